package media

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/pion/webrtc/v4"
	"github.com/uptrace/bun"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/jointoken"
	"github.com/onairhq/onair/media/mediatest"
	"github.com/onairhq/onair/media/recording"
	"github.com/onairhq/onair/media/wire"
	"github.com/onairhq/onair/store/storetest"
)

// Test helpers: a real media node on httptest and real Pion peers over loopback, speaking the
// signaling protocol the room page speaks. Nothing is mocked.

const WaitLimit = 15 * time.Second

var TestSecret = []byte("test media secret, not for production")

type Node struct {
	Rooms      *Rooms
	Server     *httptest.Server
	webrtc     *webrtc.API
	Recordings *recording.Store
	DB         *bun.DB // a fresh Postgres schema: room events and attendance land here
	Clock      *Clock  // the rooms' clock: chat times, attendance seconds, rate-limit refills
}

func LoopbackAPI(t *testing.T) *webrtc.API {
	t.Helper()
	api, err := NewWebRTCAPI(mediatest.LoopbackSettings())
	if err != nil {
		t.Fatal(err)
	}
	return api
}

// SharedUDPNetwork is the node's network as a deployment runs it: every PeerConnection on one
// (loopback) UDP socket, so forwarded media takes the downlinks' direct path.
func SharedUDPNetwork(t *testing.T) Network {
	t.Helper()
	conn, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	mux := webrtc.NewICEUDPMux(nil, conn)
	t.Cleanup(func() { _ = mux.Close() }) // closes conn too, without the mux logging a read error
	se := mediatest.LoopbackSettings()
	se.SetICEUDPMux(mux)
	return Network{Settings: se, SharedUDP: conn}
}

func StartNode(t *testing.T) *Node {
	t.Helper()
	return StartNodeRecordingTo(t, t.TempDir())
}

// StartNodeRecordingTo is a node whose recordings go to dir.
func StartNodeRecordingTo(t *testing.T, dir string) *Node {
	t.Helper()
	return StartNodeOn(t, dir, storetest.Postgres(t))
}

// StartNodeOn is a node on an existing store and recordings directory, as a restarted
// media node is.
func StartNodeOn(t *testing.T, dir string, db *bun.DB) *Node {
	t.Helper()
	return startNode(t, dir, db, SharedUDPNetwork(t))
}

// StartNodeWith is a node on its own network settings (a fresh store and directory).
func StartNodeWith(t *testing.T, network Network) *Node {
	t.Helper()
	return startNode(t, t.TempDir(), storetest.Postgres(t), network)
}

func startNode(t *testing.T, dir string, db *bun.DB, network Network) *Node {
	t.Helper()
	api := LoopbackAPI(t)
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelInfo}))
	recordings, err := recording.NewStore(recording.StoreParams{Dir: dir, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	clock := &Clock{now: time.Now().UTC()}
	rooms, err := NewRooms(RoomsParams{Network: network, Logger: log, DB: db, Now: clock.Now, Recordings: recordings})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(NewHandler(ServerParams{Rooms: rooms, Secret: TestSecret, Logger: log}))
	t.Cleanup(func() { rooms.CloseAll(); srv.Close() })
	return &Node{Rooms: rooms, Server: srv, webrtc: api, Recordings: recordings, DB: db, Clock: clock}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(b), "\n"))
	return len(b), nil
}

// TestWorkspace is the workspace every test token names.
const TestWorkspace = "ws_test"

func (n *Node) Token(t *testing.T, session, person string, role authz.SessionRole) string {
	t.Helper()
	return n.TokenFor(t, n.Claims(session, person, role))
}

func (n *Node) Claims(session, person string, role authz.SessionRole) jointoken.Claims {
	return jointoken.Claims{SessionID: session, WorkspaceID: TestWorkspace, PersonID: person, Role: role, Name: person,
		MediaURL: n.Server.URL, ExpiresAt: time.Now().Add(time.Minute).Unix()}
}

func (n *Node) TokenFor(t *testing.T, c jointoken.Claims) string {
	t.Helper()
	tok, err := jointoken.Sign(TestSecret, c)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// Client is a browser stand-in: one WebSocket, one real Pion peer (media/mediatest).
type Client struct {
	*mediatest.Peer
	t      *testing.T
	Name   string
	WS     *websocket.Conn
	frames chan wire.Frame // everything but offer/answer/candidate, which the peer handles itself
	Joined wire.Frame      // the joined frame, once join returned

	wmu sync.Mutex // one writer at a time on the WebSocket
}

// Dial opens the WebSocket and the PeerConnection without joining.
func (n *Node) Dial(t *testing.T, name string) *Client {
	t.Helper()
	return n.DialWith(t, name, n.webrtc)
}

// DialWith dials with a peer built on api (other network settings than the node's tests use).
func (n *Node) DialWith(t *testing.T, name string, api *webrtc.API) *Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), WaitLimit)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(n.Server.URL, "http")+jointoken.SignalPath, nil)
	if err != nil {
		t.Fatalf("%s: dial: %v", name, err)
	}
	ws.SetReadLimit(4 << 20)
	p := &Client{t: t, Name: name, WS: ws, frames: make(chan wire.Frame, 1024)}
	p.Peer = mediatest.NewPeer(t, mediatest.PeerParams{WebRTC: api, Name: name, Send: func(s mediatest.Signal) {
		p.Send(wire.Frame{Type: s.Type, SDP: s.SDP, Candidate: s.Candidate})
	}})
	go p.readLoop()
	t.Cleanup(func() { _ = ws.CloseNow() })
	return p
}

// Join dials and joins with a fresh token for role, waiting for the joined frame.
func (n *Node) Join(t *testing.T, session, person string, role authz.SessionRole) *Client {
	t.Helper()
	return n.JoinWith(t, session, person, role, n.webrtc)
}

// JoinWith joins with a peer built on api.
func (n *Node) JoinWith(t *testing.T, session, person string, role authz.SessionRole, api *webrtc.API) *Client {
	t.Helper()
	p := n.DialWith(t, person, api)
	p.Send(wire.Frame{Type: wire.FrameJoin, Session: session, Token: n.Token(t, session, person, role)})
	p.Joined = p.Expect(wire.FrameJoined)
	return p
}

// LiveHostAndViewer opens the room and joins a host and a viewer; it returns once the host's
// video reaches the viewer.
func (n *Node) LiveHostAndViewer(t *testing.T, session string) (host, viewer *Client) {
	t.Helper()
	n.Rooms.Open(session)
	host = n.Join(t, session, "host", authz.SessionHost)
	viewer = n.Join(t, session, "viewer", authz.SessionParticipant)
	host.Publish("video")
	WaitFor(t, "viewer receiving", func() bool { return viewer.Received("host", "video") >= 20 })
	return host, viewer
}

func (p *Client) Send(f wire.Frame) {
	b, err := json.Marshal(f)
	if err != nil {
		p.t.Error(err)
		return
	}
	p.SendRaw(b)
}

func (p *Client) SendRaw(b []byte) {
	p.wmu.Lock()
	defer p.wmu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), WaitLimit)
	defer cancel()
	_ = p.WS.Write(ctx, websocket.MessageText, b) // a closed socket shows up as a missing frame
}

func (p *Client) readLoop() {
	defer close(p.frames)
	for {
		_, data, err := p.WS.Read(context.Background())
		if err != nil {
			return
		}
		var f wire.Frame
		if err := json.Unmarshal(data, &f); err != nil {
			p.t.Errorf("%s: server sent a non-JSON frame: %q", p.Name, data)
			return
		}
		if !p.HandleSignal(mediatest.Signal{Type: f.Type, SDP: f.SDP, Candidate: f.Candidate}) {
			p.frames <- f
		}
	}
}

// Expect waits for the next frame of type typ, skipping others.
func (p *Client) Expect(typ string) wire.Frame {
	p.t.Helper()
	timeout := time.After(WaitLimit)
	for {
		select {
		case f, ok := <-p.frames:
			if !ok {
				p.t.Fatalf("%s: connection closed while waiting for a %q frame", p.Name, typ)
			}
			if f.Type == typ {
				return f
			}
		case <-timeout:
			p.t.Fatalf("%s: no %q frame within %s", p.Name, typ, WaitLimit)
		}
	}
}

// ExpectError waits for an error frame and checks its code.
func (p *Client) ExpectError(code string) wire.Frame {
	p.t.Helper()
	f := p.Expect(wire.FrameError)
	if f.Code != code {
		p.t.Fatalf("%s: error frame code %q (%s), want %q", p.Name, f.Code, f.Message, code)
	}
	return f
}

// ExpectClosed waits until the server has closed the connection.
func (p *Client) ExpectClosed() { p.awaitClose(false) }

// ExpectClosedWithoutBye waits for the connection to close and fails on a bye frame, which
// would make the room page give up instead of reconnecting.
func (p *Client) ExpectClosedWithoutBye() { p.awaitClose(true) }

func (p *Client) awaitClose(noBye bool) {
	p.t.Helper()
	timeout := time.After(WaitLimit)
	for {
		select {
		case f, ok := <-p.frames:
			if !ok {
				return
			}
			if noBye && f.Type == wire.FrameBye {
				p.t.Fatalf("%s: bye %q at shutdown: the room page would not reconnect", p.Name, f.Code)
			}
		case <-timeout:
			p.t.Fatalf("%s: connection still open after %s", p.Name, WaitLimit)
		}
	}
}

// WaitFor polls cond until it holds, failing after waitLimit.
func WaitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(WaitLimit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", WaitLimit, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// forwarders returns the SFU's forwarders for person's tracks.
func (n *Node) TrackStats(t *testing.T, session, person string) (read, forwarded uint64, tracks int) {
	t.Helper()
	r, ok := n.Rooms.Get(session)
	if !ok {
		return 0, 0, 0
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, tr := range r.tracks {
		if tr.owner.id == person {
			read += tr.fwd.Received()
			forwarded += tr.fwd.Packets()
			tracks++
		}
	}
	return read, forwarded, tracks
}

// DirectPackets counts the packets person's subscriptions received by the downlink's direct
// path (written to the shared socket, not through Pion).
func (n *Node) DirectPackets(t *testing.T, session, person string) uint64 {
	t.Helper()
	r, ok := n.Rooms.Get(session)
	if !ok {
		return 0
	}
	r.mu.Lock()
	q := r.people[person]
	r.mu.Unlock()
	if q == nil {
		return 0
	}
	return q.downlink.DirectPackets()
}

func (p *Client) String() string { return fmt.Sprintf("peer %s", p.Name) }
