package media

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"
	pionmedia "github.com/pion/webrtc/v4/pkg/media"
	"github.com/uptrace/bun"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/jointoken"
	"github.com/onairhq/onair/media/recording"
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
	se := webrtc.SettingEngine{}
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetIncludeLoopbackCandidate(true)
	se.SetInterfaceFilter(func(name string) bool { return name == "lo" })
	api, err := NewWebRTCAPI(se)
	if err != nil {
		t.Fatal(err)
	}
	return api
}

func newTestNode(t *testing.T) *testNode {
	t.Helper()
	return newTestNodeRecordingTo(t, t.TempDir())
}

// newTestNodeRecordingTo is a node whose recordings go to dir.
func newTestNodeRecordingTo(t *testing.T, dir string) *testNode {
	t.Helper()
	api := loopbackAPI(t)
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelInfo}))
	recordings, err := recording.NewStore(recording.StoreParams{Dir: dir, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	db := storetest.Postgres(t)
	clock := &testClock{now: time.Now().UTC()}
	rooms, err := NewRooms(RoomsParams{WebRTC: api, Logger: log, DB: db, Now: clock.Now, Recordings: recordings})
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

// testPeer is a browser stand-in: one WebSocket, one PeerConnection.
type testPeer struct {
	t      *testing.T
	name   string
	ws     *websocket.Conn
	pc     *webrtc.PeerConnection
	frames chan Frame // everything but offer/answer/candidate, which the peer handles itself
	joined Frame      // the joined frame, once join returned

	wmu     sync.Mutex // one writer at a time on the WebSocket
	neg     sync.Mutex
	pending []webrtc.ICECandidateInit

	mu   sync.Mutex
	recv map[string]int // packets received, by "<publisher>/<kind>"
	plis atomic.Int64   // keyframe requests received as a publisher
}

// dial opens the WebSocket and the PeerConnection without joining.
func (n *testNode) dial(t *testing.T, name string) *testPeer {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(n.srv.URL, "http")+jointoken.SignalPath, nil)
	if err != nil {
		t.Fatalf("%s: dial: %v", name, err)
	}
	ws.SetReadLimit(4 << 20)
	pc, err := n.webrtc.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	p := &testPeer{t: t, name: name, ws: ws, pc: pc, frames: make(chan Frame, 1024), recv: map[string]int{}}
	pc.OnICECandidate(func(c *webrtc.ICECandidate) {
		if c != nil {
			init := c.ToJSON()
			p.send(Frame{Type: FrameCandidate, Candidate: &init})
		}
	})
	pc.OnTrack(func(track *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		key := track.StreamID() + "/" + track.Kind().String()
		for {
			if _, _, err := track.ReadRTP(); err != nil {
				return
			}
			p.mu.Lock()
			p.recv[key]++
			p.mu.Unlock()
		}
	})
	go p.readLoop()
	t.Cleanup(func() { _ = pc.Close(); _ = ws.CloseNow() })
	return p
}

// join dials and joins with a fresh token for role, waiting for the joined frame.
func (n *testNode) join(t *testing.T, session, person string, role authz.SessionRole) *testPeer {
	t.Helper()
	p := n.dial(t, person)
	p.send(Frame{Type: FrameJoin, Session: session, Token: n.token(t, session, person, role)})
	p.joined = p.expect(FrameJoined)
	return p
}

func (p *testPeer) send(f Frame) {
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
		var f Frame
		if err := json.Unmarshal(data, &f); err != nil {
			p.t.Errorf("%s: server sent a non-JSON frame: %q", p.name, data)
			return
		}
		switch f.Type {
		case FrameOffer:
			p.answer(f.SDP)
		case FrameAnswer:
			p.neg.Lock()
			if err := p.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: f.SDP}); err != nil {
				p.t.Errorf("%s: apply answer: %v", p.name, err)
			}
			p.flushLocked()
			p.neg.Unlock()
		case FrameCandidate:
			p.neg.Lock()
			if p.pc.RemoteDescription() == nil {
				p.pending = append(p.pending, *f.Candidate)
			} else if err := p.pc.AddICECandidate(*f.Candidate); err != nil {
				p.t.Errorf("%s: add candidate: %v", p.name, err)
			}
			p.neg.Unlock()
		default:
			p.frames <- f
		}
	}
}

func (p *testPeer) answer(sdp string) {
	p.neg.Lock()
	defer p.neg.Unlock()
	if err := p.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: sdp}); err != nil {
		p.t.Errorf("%s: apply offer: %v", p.name, err)
		return
	}
	p.flushLocked()
	answer, err := p.pc.CreateAnswer(nil)
	if err == nil {
		err = p.pc.SetLocalDescription(answer)
	}
	if err != nil {
		p.t.Errorf("%s: answer: %v", p.name, err)
		return
	}
	p.send(Frame{Type: FrameAnswer, SDP: answer.SDP})
}

func (p *testPeer) flushLocked() {
	for _, c := range p.pending {
		if err := p.pc.AddICECandidate(c); err != nil {
			p.t.Errorf("%s: add candidate: %v", p.name, err)
		}
	}
	p.pending = nil
}

// offer starts a negotiation from this side, as a browser does after adding its tracks.
func (p *testPeer) offer() {
	p.neg.Lock()
	defer p.neg.Unlock()
	offer, err := p.pc.CreateOffer(nil)
	if err == nil {
		err = p.pc.SetLocalDescription(offer)
	}
	if err != nil {
		p.t.Fatalf("%s: offer: %v", p.name, err)
	}
	p.send(Frame{Type: FrameOffer, SDP: offer.SDP})
}

// publish adds synthetic Opus and/or VP8 tracks, offers them and writes samples until the test
// ends. It counts the keyframe requests the SFU sends back.
func (p *testPeer) publish(kinds ...string) {
	ctx, cancel := context.WithCancel(context.Background())
	p.t.Cleanup(cancel)
	for _, kind := range kinds {
		codec := webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}
		payload, every := make([]byte, 120), 20*time.Millisecond
		if kind == "video" {
			codec = webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}
			payload, every = make([]byte, 3000), 33*time.Millisecond
		}
		track, err := webrtc.NewTrackLocalStaticSample(codec, kind, p.name)
		if err != nil {
			p.t.Fatal(err)
		}
		sender, err := p.pc.AddTrack(track)
		if err != nil {
			p.t.Fatal(err)
		}
		go func() {
			for {
				pkts, _, err := sender.ReadRTCP()
				if err != nil {
					return
				}
				for _, pkt := range pkts {
					if _, ok := pkt.(*rtcp.PictureLossIndication); ok {
						p.plis.Add(1)
					}
				}
			}
		}()
		go func() {
			// Like a capture device, the media clock follows the wall clock: after a stall
			// (a loaded machine drops ticker ticks) the samples due meanwhile go out at once,
			// so a recording's media time matches the time it ran.
			tick := time.NewTicker(every)
			defer tick.Stop()
			started := time.Now()
			for i := 0; ; {
				select {
				case <-ctx.Done():
					return
				case <-tick.C:
				}
				for due := int(time.Since(started) / every); i < due; i++ {
					if kind == "video" {
						syntheticVP8(payload, i%30 == 0)
					} else {
						payload[0] = 0x08 // Opus TOC: SILK narrowband, one 20 ms frame
					}
					if err := track.WriteSample(pionmedia.Sample{Data: payload, Duration: every}); err != nil {
						return
					}
				}
			}
		}()
	}
	p.offer()
}

// syntheticVP8 makes frame a VP8 frame header a recorder and a WebM reader accept: a 320×240
// keyframe about once a second, interframes between (RFC 6386 §9.1). Not decodable pictures.
func syntheticVP8(frame []byte, keyframe bool) {
	clear(frame[:10])
	const showFrame, partitionSize = 0x10, 100
	tag := uint32(showFrame | partitionSize<<5)
	if !keyframe {
		tag |= 0x01
	}
	frame[0], frame[1], frame[2] = byte(tag), byte(tag>>8), byte(tag>>16)
	if keyframe {
		frame[3], frame[4], frame[5] = 0x9d, 0x01, 0x2a
		frame[6], frame[7], frame[8], frame[9] = 320&0xff, 320>>8, 240, 0
	}
}

func (p *testPeer) received(from, kind string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.recv[from+"/"+kind]
}

// expect waits for the next frame of type typ, skipping others.
func (p *testPeer) expect(typ string) Frame {
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
func (p *testPeer) expectError(code string) Frame {
	p.t.Helper()
	f := p.expect(FrameError)
	if f.Code != code {
		p.t.Fatalf("%s: error frame code %q (%s), want %q", p.name, f.Code, f.Message, code)
	}
	return f
}

// expectClosed waits until the server has closed the connection.
func (p *testPeer) expectClosed() {
	p.t.Helper()
	timeout := time.After(waitLimit)
	for {
		select {
		case _, ok := <-p.frames:
			if !ok {
				return
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

func (p *testPeer) String() string { return fmt.Sprintf("peer %s", p.name) }
