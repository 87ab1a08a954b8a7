package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/uptrace/bun"

	"github.com/onairhq/onair/media"
	"github.com/onairhq/onair/media/recording"
	"github.com/onairhq/onair/media/wire"
	"github.com/onairhq/onair/store"
)

// mediaNode is the real media service (rooms writing attendance and room events to the
// store) on a loopback server. failFinalize makes it answer 503 to that many finalize calls
// first (-1: every one), the way a media node with a full disk or a crashed muxer does; down
// makes it answer 503 to everything, the way a node that is not up yet behind its proxy does.
type mediaNode struct {
	srv          *httptest.Server
	secret       []byte
	dir          string // its recordings, which the egress worker shares
	failFinalize atomic.Int64
	finalizes    atomic.Int64
	down         atomic.Bool
	opens        atomic.Int64 // control API opens asked, down or not
	// api is the harness's API, where the node takes hosts' go-live and end (media/hostctl):
	// the node starts first, so it reaches the API through apiProxy once the harness sets it.
	api atomic.Pointer[url.URL]
}

func startMediaNode(t *testing.T, db *bun.DB) *mediaNode {
	t.Helper()
	dir := t.TempDir()
	recordings, err := recording.NewStore(recording.StoreParams{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	n := &mediaNode{secret: []byte("post-live test media secret"), dir: dir}
	apiProxy := httptest.NewServer(&httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		if u := n.api.Load(); u != nil {
			r.SetURL(u)
		}
	}})
	t.Cleanup(apiProxy.Close)
	real, err := media.NewNode(media.NodeParams{DB: db, Recordings: recordings, Secret: n.secret, APIURL: apiProxy.URL})
	if err != nil {
		t.Fatal(err)
	}
	n.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/open") {
			n.opens.Add(1)
		}
		if n.down.Load() {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"title":"media node down","status":503,"detail":"media node down"}`))
			return
		}
		if strings.HasSuffix(r.URL.Path, "/finalize") {
			n.finalizes.Add(1)
			if left := n.failFinalize.Load(); left != 0 {
				n.failFinalize.Add(-1)
				if left < 0 {
					n.failFinalize.Store(-1)
				}
				w.Header().Set("Content-Type", "application/problem+json")
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = w.Write([]byte(`{"title":"muxer crashed","status":503,"detail":"muxer crashed"}`))
				return
			}
		}
		real.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { real.Close(); n.srv.Close() })
	return n
}

// roomClient is someone in a live room over the signaling WebSocket (no media tracks).
type roomClient struct {
	t      *testing.T
	ws     *websocket.Conn
	frames chan wire.Frame
}

// joinRoom exchanges a join token for a place in the room, as the room page does.
func joinRoom(t *testing.T, session string, token reply) *roomClient {
	t.Helper()
	c := dialRoom(t, token, nil)
	c.joinAs(session, token)
	return c
}

// dialRoom opens the signaling socket of token; signal, when set, takes the WebRTC frames.
func dialRoom(t *testing.T, token reply, signal func(wire.Frame) bool) *roomClient {
	t.Helper()
	var tok struct {
		SignalURL string `json:"signal_url"`
	}
	token.json(t, &tok)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, tok.SignalURL, nil)
	if err != nil {
		t.Fatalf("dial %s: %v", tok.SignalURL, err)
	}
	ws.SetReadLimit(1 << 20)
	c := &roomClient{t: t, ws: ws, frames: make(chan wire.Frame, 1024)}
	go func() {
		defer close(c.frames)
		for {
			_, data, err := ws.Read(context.Background())
			if err != nil {
				return
			}
			var f wire.Frame
			if json.Unmarshal(data, &f) != nil {
				continue
			}
			if signal != nil && signal(f) {
				continue
			}
			select {
			case c.frames <- f:
			default: // nobody reads this client's frames any more
			}
		}
	}()
	t.Cleanup(func() { _ = ws.CloseNow() })
	return c
}

// joinAs joins with token and returns the joined frame.
func (c *roomClient) joinAs(session string, token reply) wire.Frame {
	c.t.Helper()
	var tok struct {
		Token string `json:"token"`
	}
	token.json(c.t, &tok)
	c.send(wire.Frame{Type: wire.FrameJoin, Session: session, Token: tok.Token})
	return c.expect(wire.FrameJoined, nil)
}

// sendQuiet is send for the reading goroutine: a failed write shows up as a missing frame.
func (c *roomClient) sendQuiet(f wire.Frame) {
	b, _ := json.Marshal(f)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = c.ws.Write(ctx, websocket.MessageText, b)
}

func (c *roomClient) send(f wire.Frame) {
	c.t.Helper()
	b, _ := json.Marshal(f)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.ws.Write(ctx, websocket.MessageText, b); err != nil {
		c.t.Fatalf("send %s: %v", f.Type, err)
	}
}

// expect waits for a frame of typ that ok accepts (nil: any), failing on error frames.
func (c *roomClient) expect(typ string, ok func(wire.Frame) bool) wire.Frame {
	c.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		f := c.next(deadline, typ)
		if f.Type == wire.FrameError {
			c.t.Fatalf("error frame while waiting for %s: %s %s", typ, f.Code, f.Message)
		}
		if f.Type == typ && (ok == nil || ok(f)) {
			return f
		}
	}
}

// next is the next frame the room sends c, failing if the socket closes or none comes by
// deadline while waiting for what.
func (c *roomClient) next(deadline time.Time, what string) wire.Frame {
	c.t.Helper()
	select {
	case f, open := <-c.frames:
		if !open {
			c.t.Fatalf("room socket closed while waiting for %s", what)
		}
		return f
	case <-time.After(time.Until(deadline)):
		c.t.Fatalf("no %s frame", what)
		return wire.Frame{}
	}
}

// registrantToken is the secret of a registrant's personal link.
func registrantToken(t *testing.T, db *bun.DB, ws, id string) string {
	t.Helper()
	reg, err := store.Get[store.Registrant](context.Background(), db, ws, id)
	if err != nil {
		t.Fatal(err)
	}
	return testLinkKey.Secret(store.LinkJoin, reg.ID, reg.LinkVersion)
}

// subjects counts the e-mails to addr whose subject starts with prefix.
func (h *harness) subjects(addr, prefix string) int {
	n := 0
	for _, m := range h.mailbox(addr) {
		if strings.HasPrefix(m.subject, prefix) {
			n++
		}
	}
	return n
}
