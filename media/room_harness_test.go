package media

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/wire"
)

// Helpers for room-event tests, on top of the peer harness in peer_test.go.

// testClock stands still until a test moves it, so attendance seconds and rate limits are
// exact rather than timing-dependent.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// sendRoom sends a room-event frame.
func (p *testPeer) sendRoom(typ string, fields wire.RoomFields) {
	p.send(wire.Frame{Type: typ, RoomFields: fields})
}

// expectDenied waits for an error frame refusing action a, named in the message.
func (p *testPeer) expectDenied(a authz.Action) {
	p.t.Helper()
	f := p.expectError(wire.CodeDenied)
	if !strings.Contains(f.Message, string(a)) {
		p.t.Fatalf("%s: denied frame %q does not name %s", p.name, f.Message, a)
	}
}

// sync returns once the server has handled every frame p sent so far: frames of one
// connection are handled in order, and an unknown type is answered at once.
func (p *testPeer) sync() {
	p.t.Helper()
	p.sendRaw([]byte(`{"type":"test.sync"}`))
	p.expectError(wire.CodeUnknownType)
}

// expectChat waits for the chat line text and returns it.
func (p *testPeer) expectChat(text string) wire.ChatView {
	p.t.Helper()
	for {
		f := p.expect(wire.FrameChat)
		if f.Chat != nil && f.Chat.Text == text {
			return *f.Chat
		}
	}
}

// expectQuestion waits for a question frame matching ok.
func (p *testPeer) expectQuestion(ok func(wire.QuestionView) bool) wire.QuestionView {
	p.t.Helper()
	for {
		f := p.expect(wire.FrameQuestion)
		if f.Question != nil && ok(*f.Question) {
			return *f.Question
		}
	}
}

// expectPoll waits for a poll frame matching ok.
func (p *testPeer) expectPoll(ok func(wire.PollView) bool) wire.PollView {
	p.t.Helper()
	for {
		f := p.expect(wire.FramePoll)
		if f.Poll != nil && ok(*f.Poll) {
			return *f.Poll
		}
	}
}

// barrier has from send a chat line and returns every frame each of the others received
// before it: frames on one connection keep their order, so whatever an earlier action sent
// them is in there, and what is not in there was never sent.
func (n *testNode) barrier(t *testing.T, from *testPeer, others ...*testPeer) [][]wire.Frame {
	t.Helper()
	n.clock.Advance(time.Second) // refill from's chat allowance
	text := "barrier " + time.Now().Format(time.RFC3339Nano)
	from.sendRoom(wire.FrameChatSend, wire.RoomFields{Text: text})
	out := make([][]wire.Frame, len(others))
	for i, p := range others {
		timeout := time.After(waitLimit)
	collect:
		for {
			select {
			case f, ok := <-p.frames:
				if !ok {
					t.Fatalf("%s: connection closed before the barrier", p.name)
				}
				if f.Type == wire.FrameChat && f.Chat != nil && f.Chat.Text == text {
					break collect
				}
				out[i] = append(out[i], f)
			case <-timeout:
				t.Fatalf("%s: no barrier within %s", p.name, waitLimit)
			}
		}
	}
	return out
}

// awaitPeopleListSent waits until the participants list the last joins or leaves scheduled
// has been sent, so no list is still due when the test changes who may see it.
func (n *testNode) awaitPeopleListSent(t *testing.T, session string) {
	t.Helper()
	r, ok := n.rooms.Get(session)
	if !ok {
		t.Fatalf("room %s is not open", session)
	}
	waitFor(t, "the scheduled participants list", func() bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		return !r.ev.peopleDue
	})
}

// seen reports whether frames hold one of type typ matching ok (nil: any).
func seen(frames []wire.Frame, typ string, ok func(wire.Frame) bool) bool {
	for _, f := range frames {
		if f.Type == typ && (ok == nil || ok(f)) {
			return true
		}
	}
	return false
}

// count is how many rows of model the session has in the store, narrowed by where/args.
func (n *testNode) count(t *testing.T, model any, session, where string, args ...any) int {
	t.Helper()
	q := n.db.NewSelect().Model(model).Where("session_id = ?", session)
	if where != "" {
		q = q.Where(where, args...)
	}
	c, err := q.Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(c)
}

func (rs *Rooms) mustGet(t *testing.T, session string) *Room {
	t.Helper()
	r, ok := rs.Get(session)
	if !ok {
		t.Fatalf("no room %s", session)
	}
	return r
}

// flush waits until the session's room has written everything to the store.
func (n *testNode) flush(t *testing.T, session string) {
	t.Helper()
	n.rooms.mustGet(t, session).Flush()
}

func intPtr(i int) *int { return &i }
