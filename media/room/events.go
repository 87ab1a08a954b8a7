package room

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/uptrace/bun"
	"golang.org/x/time/rate"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/wire"
	"github.com/onairhq/onair/store"
)

// Per-person limit on what they write into the room (chat lines, questions, reactions): a
// burst of WriteBurst for a quick exchange, then a steady trickle of WriteRate a second. Over
// it a frame gets rate_limited and is neither stored nor relayed.
const (
	WriteRate  = rate.Limit(3)
	WriteBurst = 10
)

const (
	recentChatKept = 100 // chat lines a late joiner receives
	recentQsShown  = 200 // questions a late joiner receives (the most recent they may see)
)

// roomEvents is the room's interaction state (chat, questions, polls, reactions, moderation,
// presentation, breakouts), guarded by Room.mu like the rest of the room. Store writes go to
// the room's writer queue, never waited on under the lock.
type roomEvents struct {
	workspaceID string
	store       *roomWriter
	now         func() time.Time

	limits map[string]*rate.Limiter // by person: survives their reconnects
	visits map[*Participant]visit
	// publishing: people with a track being forwarded (staff among them are on stage).
	publishing map[*Participant]bool
	// blocked people are refused at join for the room's life; the store keeps it beyond.
	blocked map[string]bool

	chat        []wire.ChatView   // the most recent lines of the main room
	chatGroup   map[string]string // chat id → breakout group ("" main room), for deletes
	questions   []*store.Question
	privateQs   bool
	polls       []*roomPoll
	reactionsOn bool
	reactions   map[string]int
	hidePeople  bool
	peopleDue   bool // a participants list is scheduled
	qualityDue  bool // a participants.quality frame is scheduled (quality.go)
	showing     *wire.PresentationView
	cta         *wire.CTAView // the latest call to action, shown to late joiners too
	breakouts   breakouts

	deck *wire.DeckView // the deck page on stage: decks.go
}

type visit struct {
	id     string
	joined time.Time
}

func newRoomEvents(now func() time.Time, w *roomWriter) roomEvents {
	return roomEvents{
		store: w, now: now,
		limits: map[string]*rate.Limiter{}, visits: map[*Participant]visit{}, publishing: map[*Participant]bool{}, blocked: map[string]bool{},
		chatGroup: map[string]string{}, reactions: map[string]int{},
		breakouts: breakouts{groupOf: map[string]string{}},
	}
}

// actLocked checks that p is still in the room and allowed a; callers hold r.mu.
func (r *Room) actLocked(p *Participant, a authz.Action) error {
	if r.people[p.id] != p {
		return fmt.Errorf("%s: %w", a, ErrNoSuchPerson)
	}
	return p.canLocked(a)
}

// nowUTC is the room clock, truncated to what the store keeps.
func (r *Room) nowUTC() time.Time { return r.ev.now().UTC().Truncate(time.Microsecond) }

// persist queues a store write for after the lock is released.
func (r *Room) persist(what string, do func(ctx context.Context, db bun.IDB) error) {
	r.ev.store.enqueue(what, do)
}

// journalLocked persists a RoomEvent of kind by actor on target and returns its id.
func (r *Room) journalLocked(kind, actor, target string, data map[string]string) string {
	if data == nil {
		data = map[string]string{}
	}
	ev := &store.RoomEvent{ID: store.NewID("rev"), WorkspaceID: r.ev.workspaceID, SessionID: r.sessionID,
		Kind: kind, ActorID: actor, TargetID: target, Data: data, CreatedAt: r.nowUTC()}
	r.persist("room event "+kind, func(ctx context.Context, db bun.IDB) error { return store.Insert(ctx, db, ev) })
	return ev.ID
}

// allowWriteLocked spends one of p's writes; false means rate limited.
func (r *Room) allowWriteLocked(p *Participant) bool {
	l, ok := r.ev.limits[p.id]
	if !ok {
		l = rate.NewLimiter(WriteRate, WriteBurst)
		r.ev.limits[p.id] = l
	}
	return l.AllowN(r.ev.now(), 1)
}

// isStaffLocked: hosts, moderators and speakers see what participants may not (§4).
func (p *Participant) isStaffLocked() bool { return p.role != authz.SessionParticipant }

// snapshotLocked is the room as newcomer p may see it, for their joined frame.
func (r *Room) snapshotLocked(p *Participant) wire.RoomFields {
	group := r.ev.breakouts.activeGroupOf(p.id)
	var chats []wire.ChatView
	if group == "" {
		chats = append(chats, r.ev.chat...)
	}
	var qs []wire.QuestionView
	for i := len(r.ev.questions) - 1; i >= 0 && len(qs) < recentQsShown; i-- {
		if q := r.ev.questions[i]; r.mayReadQuestionLocked(p, q) {
			qs = append(qs, questionView(q))
		}
	}
	slices.Reverse(qs) // oldest first, as they were asked
	var polls []wire.PollView
	for _, pl := range r.ev.polls {
		if pl.status != store.PollDraft || p.isStaffLocked() {
			v := pl.view()
			if o, ok := pl.votes[p.id]; ok {
				v.Mine = &o
			}
			polls = append(polls, v)
		}
	}
	f := wire.RoomFields{Chats: chats, Questions: qs, Polls: polls, Reactions: r.reactionsViewLocked(),
		CTA: r.ev.cta, Presentation: r.ev.showing, Deck: r.deckViewLocked(), Breakout: r.groupViewLocked(group), PrivateQuestions: r.ev.privateQs}
	if r.mayListPeopleLocked(p) {
		list := r.participantsLocked()
		f.Participants = &list
	}
	if p.canLocked(authz.BreakoutCreateStart) == nil && len(r.ev.breakouts.groups) > 0 {
		f.Breakouts, f.Running = r.ev.breakouts.list(), boolPtr(r.ev.breakouts.started) // a reloaded page can still end them
	}
	return f
}

// SetWorkspace names the room's workspace from the control API's open or the session's store
// row (recovery.go). Only when neither did (a session the store could not tell about)
// does the first join's token name it (startVisitLocked); later tokens must agree.
func (r *Room) SetWorkspace(id string) {
	if id == "" {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ev.workspaceID = id
}

// startVisitLocked writes p's attendance row (item 5).
func (r *Room) startVisitLocked(p *Participant, workspaceID string) {
	if r.ev.workspaceID == "" {
		r.ev.workspaceID = workspaceID
	}
	at := r.nowUTC()
	row := &store.Attendance{ID: store.NewID("att"), WorkspaceID: r.ev.workspaceID, SessionID: r.sessionID,
		PersonID: p.id, Role: string(p.role), Name: p.name, Kind: store.AttendanceLive, JoinedAt: at}
	r.ev.visits[p] = visit{id: row.ID, joined: at}
	r.persist("attendance join", func(ctx context.Context, db bun.IDB) error { return store.Insert(ctx, db, row) })
}

// endVisitLocked closes p's attendance row: they left, were removed, or the room closed.
func (r *Room) endVisitLocked(p *Participant) {
	v, ok := r.ev.visits[p]
	if !ok {
		return
	}
	delete(r.ev.visits, p)
	at := r.nowUTC()
	seconds := int(at.Sub(v.joined) / time.Second)
	r.persist("attendance leave", func(ctx context.Context, db bun.IDB) error {
		return store.EndAttendance(ctx, db, v.id, at, seconds)
	})
}

// Flush waits until every room event so far is in the store (tests, and the control API's
// attendance read, which must see the visits that just ended).
func (r *Room) Flush() { r.ev.store.flush() }

// sendToLocked sends f to everyone for whom to returns true.
func (r *Room) sendToLocked(f wire.Frame, to func(q *Participant) bool) {
	for _, q := range r.people {
		if to(q) {
			q.sink.Send(f)
		}
	}
}

func roomFrame(typ string, fields wire.RoomFields) wire.Frame {
	return wire.Frame{Type: typ, RoomFields: fields}
}

func formatAt(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func boolPtr(b bool) *bool { return &b }
