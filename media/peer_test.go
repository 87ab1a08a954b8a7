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

const waitLimit = 15 * time.Second

var testSecret = []byte("test media secret, not for production")

type testNode struct {
	rooms      *Rooms
	srv        *httptest.Server
	webrtc     *webrtc.API
	recordings *recording.Store
	db         *bun.DB    // a fresh Postgres schema: room events and attendance land here
	clock      *testClock // the rooms' clock: chat times, attendance seconds, rate-limit refills
}

func loopbackAPI(t *testing.T) *webrtc.API {
	t.Helper()
	api, err := NewWebRTCAPI(mediatest.LoopbackSettings())
	if err != nil {
		t.Fatal(err)
	}
	return api
}

// sharedUDPNetwork is the node's network as a deployment runs it: every PeerConnection on one
// (loopback) UDP socket, so forwarded media takes the downlinks' direct path.
func sharedUDPNetwork(t *testing.T) Network {
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

func newTestNode(t *testing.T) *testNode {
	t.Helper()
	return newTestNodeRecordingTo(t, t.TempDir())
}

// newTestNodeRecordingTo is a node whose recordings go to dir.
func newTestNodeRecordingTo(t *testing.T, dir string) *testNode {
	t.Helper()
	return newTestNodeOn(t, dir, storetest.Postgres(t))
}

// newTestNodeOn is a node on an existing store and recordings directory, as a restarted
// media node is.
func newTestNodeOn(t *testing.T, dir string, db *bun.DB) *testNode {
	t.Helper()
	return newTestNodeFull(t, dir, db, sharedUDPNetwork(t))
}

// newTestNodeWith is a node on its own network settings (a fresh store and directory).
func newTestNodeWith(t *testing.T, network Network) *testNode {
	t.Helper()
	return newTestNodeFull(t, t.TempDir(), storetest.Postgres(t), network)
}

func newTestNodeFull(t *testing.T, dir string, db *bun.DB, network Network) *testNode {
	t.Helper()
	api := loopbackAPI(t)
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelInfo}))
	recordings, err := recording.NewStore(recording.StoreParams{Dir: dir, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	clock := &testClock{now: time.Now().UTC()}
	rooms, err := NewRooms(RoomsParams{Network: network, Logger: log, DB: db, Now: clock.Now, Recordings: recordings})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(NewHandler(ServerParams{Rooms: rooms, Secret: testSecret, Logger: log}))
	t.Cleanup(func() { rooms.CloseAll(); srv.Close() })
	return &testNode{rooms: rooms, srv: srv, webrtc: api, recordings: recordings, db: db, clock: clock}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(b), "\n"))
	return len(b), nil
}

// testWorkspace is the workspace every test token names.
const testWorkspace = "ws_test"

func (n *testNode) token(t *testing.T, session, person string, role authz.SessionRole) string {
	t.Helper()
	return n.tokenFor(t, n.claims(session, person, role))
}

func (n *testNode) claims(session, person string, role authz.SessionRole) jointoken.Claims {
	return jointoken.Claims{SessionID: session, WorkspaceID: testWorkspace, PersonID: person, Role: role, Name: person,
		MediaURL: n.srv.URL, ExpiresAt: time.Now().Add(time.Minute).Unix()}
}

func (n *testNode) tokenFor(t *testing.T, c jointoken.Claims) string {
	t.Helper()
	tok, err := jointoken.Sign(testSecret, c)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// testPeer is a browser stand-in: one WebSocket, one real Pion peer (media/mediatest).
type testPeer struct {
	*mediatest.Peer
	t      *testing.T
	name   string
	ws     *websocket.Conn
	frames chan wire.Frame // everything but offer/answer/candidate, which the peer handles itself
	joined wire.Frame      // the joined frame, once join returned

	wmu sync.Mutex // one writer at a time on the WebSocket
}

// dial opens the WebSocket and the PeerConnection without joining.
func (n *testNode) dial(t *testing.T, name string) *testPeer {
	t.Helper()
	return n.dialWith(t, name, n.webrtc)
}

// dialWith dials with a peer built on api (other network settings than the node's tests use).
func (n *testNode) dialWith(t *testing.T, name string, api *webrtc.API) *testPeer {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(n.srv.URL, "http")+jointoken.SignalPath, nil)
	if err != nil {
		t.Fatalf("%s: dial: %v", name, err)
	}
	ws.SetReadLimit(4 << 20)
	p := &testPeer{t: t, name: name, ws: ws, frames: make(chan wire.Frame, 1024)}
	p.Peer = mediatest.NewPeer(t, mediatest.PeerParams{WebRTC: api, Name: name, Send: func(s mediatest.Signal) {
		p.send(wire.Frame{Type: s.Type, SDP: s.SDP, Candidate: s.Candidate})
	}})
	go p.readLoop()
	t.Cleanup(func() { _ = ws.CloseNow() })
	return p
}

// join dials and joins with a fresh token for role, waiting for the joined frame.
func (n *testNode) join(t *testing.T, session, person string, role authz.SessionRole) *testPeer {
	t.Helper()
	return n.joinWith(t, session, person, role, n.webrtc)
}

// joinWith joins with a peer built on api.
func (n *testNode) joinWith(t *testing.T, session, person string, role authz.SessionRole, api *webrtc.API) *testPeer {
	t.Helper()
	p := n.dialWith(t, person, api)
	p.send(wire.Frame{Type: wire.FrameJoin, Session: session, Token: n.token(t, session, person, role)})
	p.joined = p.expect(wire.FrameJoined)
	return p
}

// liveHostAndViewer opens the room and joins a host and a viewer; it returns once the host's
// video reaches the viewer.
func (n *testNode) liveHostAndViewer(t *testing.T) (host, viewer *testPeer) {
	t.Helper()
	n.rooms.Open(session)
	host = n.join(t, session, "host", authz.SessionHost)
	viewer = n.join(t, session, "viewer", authz.SessionParticipant)
	host.Publish("video")
	waitFor(t, "viewer receiving", func() bool { return viewer.Received("host", "video") >= 20 })
	return host, viewer
}

func (p *testPeer) send(f wire.Frame) {
	b, err := json.Marshal(f)
	if err != nil {
		p.t.Error(err)
		return
	}
	p.sendRaw(b)
}

func (p *testPeer) sendRaw(b []byte) {
	p.wmu.Lock()
	defer p.wmu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	_ = p.ws.Write(ctx, websocket.MessageText, b) // a closed socket shows up as a missing frame
}

func (p *testPeer) readLoop() {
	defer close(p.frames)
	for {
		_, data, err := p.ws.Read(context.Background())
		if err != nil {
			return
		}
		var f wire.Frame
		if err := json.Unmarshal(data, &f); err != nil {
			p.t.Errorf("%s: server sent a non-JSON frame: %q", p.name, data)
			return
		}
		if !p.HandleSignal(mediatest.Signal{Type: f.Type, SDP: f.SDP, Candidate: f.Candidate}) {
			p.frames <- f
		}
	}
}

// expect waits for the next frame of type typ, skipping others.
func (p *testPeer) expect(typ string) wire.Frame {
	p.t.Helper()
	timeout := time.After(waitLimit)
	for {
		select {
		case f, ok := <-p.frames:
			if !ok {
				p.t.Fatalf("%s: connection closed while waiting for a %q frame", p.name, typ)
			}
			if f.Type == typ {
				return f
			}
		case <-timeout:
			p.t.Fatalf("%s: no %q frame within %s", p.name, typ, waitLimit)
		}
	}
}

// expectError waits for an error frame and checks its code.
func (p *testPeer) expectError(code string) wire.Frame {
	p.t.Helper()
	f := p.expect(wire.FrameError)
	if f.Code != code {
		p.t.Fatalf("%s: error frame code %q (%s), want %q", p.name, f.Code, f.Message, code)
	}
	return f
}

// expectClosed waits until the server has closed the connection.
func (p *testPeer) expectClosed() { p.awaitClose(false) }

// expectClosedWithoutBye waits for the connection to close and fails on a bye frame, which
// would make the room page give up instead of reconnecting.
func (p *testPeer) expectClosedWithoutBye() { p.awaitClose(true) }

func (p *testPeer) awaitClose(noBye bool) {
	p.t.Helper()
	timeout := time.After(waitLimit)
	for {
		select {
		case f, ok := <-p.frames:
			if !ok {
				return
			}
			if noBye && f.Type == wire.FrameBye {
				p.t.Fatalf("%s: bye %q at shutdown: the room page would not reconnect", p.name, f.Code)
			}
		case <-timeout:
			p.t.Fatalf("%s: connection still open after %s", p.name, waitLimit)
		}
	}
}

// waitFor polls cond until it holds, failing after waitLimit.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", waitLimit, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// forwarders returns the SFU's forwarders for person's tracks.
func (n *testNode) trackStats(t *testing.T, session, person string) (read, forwarded uint64, tracks int) {
	t.Helper()
	r, ok := n.rooms.Get(session)
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

// directPackets counts the packets person's subscriptions received by the downlink's direct
// path (written to the shared socket, not through Pion).
func (n *testNode) directPackets(t *testing.T, session, person string) uint64 {
	t.Helper()
	r, ok := n.rooms.Get(session)
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

func (p *testPeer) String() string { return fmt.Sprintf("peer %s", p.name) }
