package mediatest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/pion/webrtc/v4"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/wire"
)

// Client is a browser stand-in: one signaling WebSocket to a Node, one real Pion Peer.
type Client struct {
	*Peer
	t      *testing.T
	Name   string
	WS     *websocket.Conn
	frames chan wire.Frame // everything but offer/answer/candidate, which the peer handles itself
	Joined wire.Frame      // the joined frame, once join returned

	wmu sync.Mutex // one writer at a time on the WebSocket
}

// Send sends f as JSON.
func (p *Client) Send(f wire.Frame) {
	b, err := json.Marshal(f)
	if err != nil {
		p.t.Error(err)
		return
	}
	p.SendRaw(b)
}

// SendRaw sends b as it is (malformed frames included).
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
		if f.Type == wire.FrameJoined && len(f.ICEServers) > 0 {
			p.UseICEServers(pionICEServers(f.ICEServers))
		}
		if !p.HandleSignal(Signal{Type: f.Type, SDP: f.SDP, Candidate: f.Candidate}) {
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

func (p *Client) String() string { return fmt.Sprintf("peer %s", p.Name) }

// SendRoom sends a room-event frame.
func (p *Client) SendRoom(typ string, fields wire.RoomFields) {
	p.Send(wire.Frame{Type: typ, RoomFields: fields})
}

// ExpectDenied waits for an error frame refusing action a, named in the message.
func (p *Client) ExpectDenied(a authz.Action) {
	p.t.Helper()
	f := p.ExpectError(wire.CodeDenied)
	if !strings.Contains(f.Message, string(a)) {
		p.t.Fatalf("%s: denied frame %q does not name %s", p.Name, f.Message, a)
	}
}

// Sync returns once the server has handled every frame p sent so far: frames of one
// connection are handled in order, and an unknown type is answered at once.
func (p *Client) Sync() {
	p.t.Helper()
	p.SendRaw([]byte(`{"type":"test.sync"}`))
	p.ExpectError(wire.CodeUnknownType)
}

// ExpectChat waits for the chat line text and returns it.
func (p *Client) ExpectChat(text string) wire.ChatView {
	p.t.Helper()
	for {
		f := p.Expect(wire.FrameChat)
		if f.Chat != nil && f.Chat.Text == text {
			return *f.Chat
		}
	}
}

// ExpectQuestion waits for a question frame matching ok.
func (p *Client) ExpectQuestion(ok func(wire.QuestionView) bool) wire.QuestionView {
	p.t.Helper()
	for {
		f := p.Expect(wire.FrameQuestion)
		if f.Question != nil && ok(*f.Question) {
			return *f.Question
		}
	}
}

// ExpectPoll waits for a poll frame matching ok.
func (p *Client) ExpectPoll(ok func(wire.PollView) bool) wire.PollView {
	p.t.Helper()
	for {
		f := p.Expect(wire.FramePoll)
		if f.Poll != nil && ok(*f.Poll) {
			return *f.Poll
		}
	}
}

// Barrier has from send a chat line and returns every frame each of the others received
// before it: frames on one connection keep their order, so whatever an earlier action sent
// them is in there, and what is not in there was never sent.
func (n *Node) Barrier(t *testing.T, from *Client, others ...*Client) [][]wire.Frame {
	t.Helper()
	n.Clock.Advance(time.Second) // refill from's chat allowance
	text := "barrier " + time.Now().Format(time.RFC3339Nano)
	from.SendRoom(wire.FrameChatSend, wire.RoomFields{Text: text})
	out := make([][]wire.Frame, len(others))
	for i, p := range others {
		timeout := time.After(WaitLimit)
	collect:
		for {
			select {
			case f, ok := <-p.frames:
				if !ok {
					t.Fatalf("%s: connection closed before the barrier", p.Name)
				}
				if f.Type == wire.FrameChat && f.Chat != nil && f.Chat.Text == text {
					break collect
				}
				out[i] = append(out[i], f)
			case <-timeout:
				t.Fatalf("%s: no barrier within %s", p.Name, WaitLimit)
			}
		}
	}
	return out
}

// Seen reports whether frames hold one of type typ matching ok (nil: any).
func Seen(frames []wire.Frame, typ string, ok func(wire.Frame) bool) bool {
	for _, f := range frames {
		if f.Type == typ && (ok == nil || ok(f)) {
			return true
		}
	}
	return false
}

// pionICEServers are the joined frame's TURN servers as Pion takes them.
func pionICEServers(servers []wire.ICEServer) []webrtc.ICEServer {
	out := make([]webrtc.ICEServer, len(servers))
	for i, s := range servers {
		out[i] = webrtc.ICEServer{URLs: s.URLs, Username: s.Username, Credential: s.Credential}
	}
	return out
}
