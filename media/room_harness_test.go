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

// Clock stands still until a test moves it, so attendance seconds and rate limits are
// exact rather than timing-dependent.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

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

// AwaitPeopleListSent waits until the participants list the last joins or leaves scheduled
// has been sent, so no list is still due when the test changes who may see it.
func (n *Node) AwaitPeopleListSent(t *testing.T, session string) {
	t.Helper()
	r, ok := n.Rooms.Get(session)
	if !ok {
		t.Fatalf("room %s is not open", session)
	}
	WaitFor(t, "the scheduled participants list", func() bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		return !r.ev.peopleDue
	})
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

// Count is how many rows of model the session has in the store, narrowed by where/args.
func (n *Node) Count(t *testing.T, model any, session, where string, args ...any) int {
	t.Helper()
	q := n.DB.NewSelect().Model(model).Where("session_id = ?", session)
	if where != "" {
		q = q.Where(where, args...)
	}
	c, err := q.Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(c)
}

// Room is the session's room, which must be open.
func (n *Node) Room(t *testing.T, session string) *Room {
	t.Helper()
	r, ok := n.Rooms.Get(session)
	if !ok {
		t.Fatalf("no room %s", session)
	}
	return r
}

// Flush waits until the session's room has written everything to the store.
func (n *Node) Flush(t *testing.T, session string) {
	t.Helper()
	n.Room(t, session).Flush()
}

func intPtr(i int) *int { return &i }
