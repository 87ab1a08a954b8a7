package media

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/mediactl"
	"github.com/onairhq/onair/media/wire"
	"github.com/onairhq/onair/store"
)

// After a scripted session the store holds exactly what happened: chat (one line deleted),
// questions (answered, answered live, private), a poll with its votes (a re-answer replacing
// the first), room events, and one attendance row per visit with the seconds attended. A late
// joiner is shown the room as it stands.
func TestScriptedSessionIsPersisted(t *testing.T) {
	n := newTestNode(t)
	n.rooms.Open(session)
	host := n.join(t, session, "host", authz.SessionHost)
	p1 := n.join(t, session, "p1", authz.SessionParticipant)
	p2 := n.join(t, session, "p2", authz.SessionParticipant)

	p1.sendRoom(wire.FrameChatSend, wire.RoomFields{Text: "hello"})
	p2.sendRoom(wire.FrameChatSend, wire.RoomFields{Text: "spam"})
	spam := host.expectChat("spam")
	host.sendRoom(wire.FrameChatDelete, wire.RoomFields{ID: spam.ID})
	p1.expect(wire.FrameChatDeleted)

	p1.sendRoom(wire.FrameQuestionAsk, wire.RoomFields{Text: "public?"})
	public := host.expectQuestion(func(q wire.QuestionView) bool { return q.Text == "public?" })
	host.sendRoom(wire.FrameQuestionAnswer, wire.RoomFields{ID: public.ID, Text: "yes"})
	p2.expectQuestion(func(q wire.QuestionView) bool { return q.Answer == "yes" })
	host.sendRoom(wire.FrameQuestionPrivate, wire.RoomFields{Enabled: boolPtr(true)})
	p2.expect(wire.FrameQuestionsPrivate)
	p2.sendRoom(wire.FrameQuestionAsk, wire.RoomFields{Text: "private?"})
	private := host.expectQuestion(func(q wire.QuestionView) bool { return q.Text == "private?" })
	host.sendRoom(wire.FrameQuestionLive, wire.RoomFields{ID: private.ID})
	p2.expectQuestion(func(q wire.QuestionView) bool { return q.AnsweredLive })

	host.sendRoom(wire.FramePollCreate, wire.RoomFields{Text: "Which?", Options: []string{"a", "b", "c"}})
	poll := host.expectPoll(func(wire.PollView) bool { return true })
	host.sendRoom(wire.FramePollSend, wire.RoomFields{ID: poll.ID})
	p1.expectPoll(func(p wire.PollView) bool { return p.Status == store.PollSent })
	p2.expectPoll(func(p wire.PollView) bool { return p.Status == store.PollSent })
	p1.sendRoom(wire.FramePollAnswer, wire.RoomFields{ID: poll.ID, Option: intPtr(0)})
	p2.sendRoom(wire.FramePollAnswer, wire.RoomFields{ID: poll.ID, Option: intPtr(1)})
	p2.sendRoom(wire.FramePollAnswer, wire.RoomFields{ID: poll.ID, Option: intPtr(2)})
	host.expectPoll(func(p wire.PollView) bool { return fmt.Sprint(p.Counts) == "[1 0 1]" })
	p1.sendRoom(wire.FramePollAnswer, wire.RoomFields{ID: poll.ID, Option: intPtr(7)})
	p1.expectError(wire.CodeBadRequest)

	host.sendRoom(wire.FrameReactionsEnable, wire.RoomFields{Enabled: boolPtr(true)})
	p1.expect(wire.FrameReactions)
	p1.sendRoom(wire.FrameReactionSend, wire.RoomFields{Reaction: "love"})
	for f := host.expect(wire.FrameReactions); f.Reactions.Counts["love"] != 1; f = host.expect(wire.FrameReactions) {
	}
	host.sendRoom(wire.FrameCTASend, wire.RoomFields{Text: "Buy", URL: "https://example.com/buy"})
	p1.expect(wire.FrameCTA)

	// Someone arriving now sees the room: chat without the deleted line, the questions a
	// participant may see (none: private mode is on), the open poll with counts, reactions,
	// the participants.
	n.clock.Advance(60 * time.Second)
	late := n.join(t, session, "late", authz.SessionParticipant)
	j := late.joined
	if len(j.Chats) != 1 || j.Chats[0].Text != "hello" {
		t.Errorf("late joiner's chat %+v, want only hello", j.Chats)
	}
	if len(j.Questions) != 0 { // private mode is on: a participant sees only their own
		t.Errorf("late joiner's questions %+v, want none", j.Questions)
	}
	if len(j.Polls) != 1 || fmt.Sprint(j.Polls[0].Counts) != "[1 0 1]" || j.Reactions == nil || j.Reactions.Counts["love"] != 1 {
		t.Errorf("late joiner's polls %+v, reactions %+v", j.Polls, j.Reactions)
	}
	if j.Participants == nil || len(*j.Participants) != 4 {
		t.Errorf("late joiner's participants %v, want 4 people", j.Participants)
	}
	host.sendRoom(wire.FramePollClose, wire.RoomFields{ID: poll.ID})
	late.expectPoll(func(p wire.PollView) bool { return p.Status == store.PollClosed })

	// Time passes (the room's clock): p2 leaves 150 s after joining, the room closes 30 s later.
	n.clock.Advance(90 * time.Second)
	_ = p2.ws.CloseNow()
	waitFor(t, "p2 gone", func() bool { return len(n.mustRoom(t).Participants()) == 3 })
	n.clock.Advance(30 * time.Second)
	n.control(t, "POST", "/control/rooms/"+session+"/close", "", 204)

	ctx := context.Background()
	var chats []store.ChatMessage
	must(t, n.db.NewSelect().Model(&chats).Where("session_id = ?", session).Order("text").Scan(ctx))
	if len(chats) != 2 || chats[0].Text != "hello" || chats[0].DeletedAt != nil ||
		chats[1].Text != "spam" || chats[1].DeletedAt == nil || chats[1].DeletedBy != "host" || chats[0].WorkspaceID != testWorkspace {
		t.Errorf("chat rows %+v", chats)
	}
	var qs []store.Question
	must(t, n.db.NewSelect().Model(&qs).Where("session_id = ?", session).Order("id").Scan(ctx))
	if len(qs) != 2 || qs[0].Answer != "yes" || qs[0].AnsweredBy != "host" || qs[0].Private || qs[0].AnsweredLive ||
		!qs[1].Private || !qs[1].AnsweredLive || qs[1].AnsweredAt == nil || qs[1].PersonID != "p2" {
		t.Errorf("question rows %+v", qs)
	}
	var polls []store.Poll
	must(t, n.db.NewSelect().Model(&polls).Where("session_id = ?", session).Scan(ctx))
	if len(polls) != 1 || polls[0].Status != store.PollClosed || polls[0].SentAt == nil || polls[0].ClosedAt == nil ||
		strings.Join(polls[0].Options, ",") != "a,b,c" {
		t.Errorf("poll rows %+v", polls)
	}
	var votes []store.PollVote
	must(t, n.db.NewSelect().Model(&votes).Where("session_id = ?", session).Order("person_id").Scan(ctx))
	if len(votes) != 2 || votes[0].PersonID != "p1" || votes[0].Option != 0 || votes[1].PersonID != "p2" || votes[1].Option != 2 {
		t.Errorf("vote rows %+v", votes)
	}
	var events []store.RoomEvent
	must(t, n.db.NewSelect().Model(&events).Where("session_id = ?", session).Order("id").Scan(ctx))
	var kinds []string
	for _, e := range events {
		kinds = append(kinds, e.Kind)
	}
	if got := strings.Join(kinds, " "); got != "questions.private_on reactions.enabled reaction cta" {
		t.Errorf("room events %q", got)
	}

	// Attendance through the control API's client, as activities read it.
	visits, err := mediactl.New(n.srv.URL, testSecret, nil).Attendance(ctx, session)
	if err != nil {
		t.Fatal(err)
	}
	seconds := map[string]int{}
	for _, v := range visits {
		if v.LeftAt == nil {
			t.Errorf("visit of %s has no left_at", v.PersonID)
		}
		seconds[v.PersonID] = v.Seconds
	}
	if want := map[string]int{"host": 180, "p1": 180, "p2": 150, "late": 120}; fmt.Sprint(seconds) != fmt.Sprint(want) {
		t.Errorf("attendance seconds %v, want %v", seconds, want)
	}
}

// One person sending 200 chat lines as fast as they can gets rate_limited for all but the
// first burst, which alone is stored; everyone else's chat keeps flowing meanwhile.
func TestChatFloodIsRateLimited(t *testing.T) {
	n := newTestNode(t)
	n.rooms.Open(session)
	host := n.join(t, session, "host", authz.SessionHost)
	flooder := n.join(t, session, "flooder", authz.SessionParticipant)
	other := n.join(t, session, "other", authz.SessionParticipant)

	for i := range 200 {
		flooder.sendRoom(wire.FrameChatSend, wire.RoomFields{Text: fmt.Sprintf("flood %d", i)})
		if i%50 == 0 {
			other.sendRoom(wire.FrameChatSend, wire.RoomFields{Text: fmt.Sprintf("still here %d", i)})
		}
	}
	for i := 0; i < 200; i += 50 {
		host.expectChat(fmt.Sprintf("still here %d", i))
	}
	limited := 0
	for limited < 200-writeBurst {
		flooder.expectError(wire.CodeRateLimited)
		limited++
	}
	n.flush(t, session)
	if got := n.count(t, (*store.ChatMessage)(nil), session, "person_id = 'flooder'"); got != writeBurst {
		t.Errorf("%d flood lines stored, want the %d before the limit", got, writeBurst)
	}
	// The allowance refills with time.
	n.clock.Advance(time.Second)
	flooder.sendRoom(wire.FrameChatSend, wire.RoomFields{Text: "calm now"})
	other.expectChat("calm now")
}

// With a live-attendee cap of 2, a third participant is turned away with room_full; staff are
// neither counted nor refused; a freed seat lets the next one in.
func TestLiveAttendeeCap(t *testing.T) {
	n := newTestNode(t)
	n.rooms.Open(session)
	joinCapped := func(person string, role authz.SessionRole) *testPeer {
		c := n.claims(session, person, role)
		c.MaxAttendees = 2
		p := n.dial(t, person)
		p.send(wire.Frame{Type: wire.FrameJoin, Session: session, Token: n.tokenFor(t, c)})
		return p
	}
	p1 := joinCapped("p1", authz.SessionParticipant)
	p1.expect(wire.FrameJoined)
	joinCapped("p2", authz.SessionParticipant).expect(wire.FrameJoined)
	third := joinCapped("p3", authz.SessionParticipant)
	if f := third.expectError(wire.CodeRoomFull); !strings.Contains(f.Message, "live-attendee limit") {
		t.Errorf("room_full message %q does not explain the limit", f.Message)
	}
	third.expectClosed()
	joinCapped("host", authz.SessionHost).expect(wire.FrameJoined)
	joinCapped("speaker", authz.SessionSpeaker).expect(wire.FrameJoined)
	// p1 reconnecting keeps their own seat.
	again := joinCapped("p1", authz.SessionParticipant)
	again.expect(wire.FrameJoined)
	p1.expect(wire.FrameBye)

	_ = again.ws.CloseNow()
	waitFor(t, "a seat freed", func() bool { return len(n.mustRoom(t).Participants()) == 3 })
	joinCapped("p3", authz.SessionParticipant).expect(wire.FrameJoined)
}

// A blocked participant cannot rejoin, not even after the room closed and reopened (the store
// remembers) until unblocked; a kicked one comes back with a new token.
func TestBlockedCannotRejoinKickedCan(t *testing.T) {
	n := newTestNode(t)
	n.rooms.Open(session)
	host := n.join(t, session, "host", authz.SessionHost)
	bad := n.join(t, session, "bad", authz.SessionParticipant)
	noisy := n.join(t, session, "noisy", authz.SessionParticipant)

	host.send(wire.Frame{Type: wire.FrameBlock, Person: "bad"})
	if f := bad.expect(wire.FrameBye); f.Code != wire.CodeBlocked {
		t.Fatalf("bye %+v, want blocked", f)
	}
	bad.expectClosed()
	host.send(wire.Frame{Type: wire.FrameKick, Person: "noisy"})
	if f := noisy.expect(wire.FrameBye); f.Code != wire.CodeKicked {
		t.Fatalf("bye %+v, want kicked", f)
	}
	noisy.expectClosed()
	host.send(wire.Frame{Type: wire.FrameKick, Person: "host"})
	host.expectError(wire.CodeBadRequest) // staff are managed in the workspace, not kicked

	refusedJoin := func() {
		t.Helper()
		p := n.dial(t, "bad again")
		p.send(wire.Frame{Type: wire.FrameJoin, Session: session, Token: n.token(t, session, "bad", authz.SessionParticipant)})
		p.expectError(wire.CodeBlocked)
		p.expectClosed()
	}
	refusedJoin()
	n.join(t, session, "noisy", authz.SessionParticipant)

	n.control(t, "POST", "/control/rooms/"+session+"/close", "", 204)
	n.rooms.Open(session)
	refusedJoin()
	host = n.join(t, session, "host", authz.SessionHost)
	host.send(wire.Frame{Type: wire.FrameUnblock, Person: "bad"})
	host.sync()
	n.flush(t, session)
	n.join(t, session, "bad", authz.SessionParticipant)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// Blocking a registrant marks the registration blocked (what the API and dashboards see);
// unblocking approves it again.
func TestBlockMarksTheRegistrant(t *testing.T) {
	n := newTestNode(t)
	ctx := context.Background()
	ws := store.NewWorkspace("Room", "free")
	ev := store.NewEvent(ws.ID, "Talk", "", store.EventSettings{}, "usr_1")
	ses := &store.Session{ID: store.NewID("ses"), WorkspaceID: ws.ID, EventID: ev.ID, StartsAt: time.Now().UTC(),
		DurationMinutes: 30, Timezone: "UTC", Status: store.SessionScheduled, Capacity: 10, CreatedAt: store.Now(), UpdatedAt: store.Now()}
	must(t, store.Insert(ctx, n.db, ws))
	must(t, store.Insert(ctx, n.db, ev))
	must(t, store.Insert(ctx, n.db, ses))
	reg, _, err := store.Register(ctx, n.db, store.Registration{Event: ev, Session: ses, Email: "bad@example.com", Name: "Bad"})
	must(t, err)

	n.rooms.Open(ses.ID)
	join := func(person string, role authz.SessionRole) *testPeer {
		c := n.claims(ses.ID, person, role)
		c.WorkspaceID = ws.ID
		p := n.dial(t, person)
		p.send(wire.Frame{Type: wire.FrameJoin, Session: ses.ID, Token: n.tokenFor(t, c)})
		p.joined = p.expect(wire.FrameJoined)
		return p
	}
	host := join("mem_host", authz.SessionHost)
	join(reg.ID, authz.SessionParticipant)
	status := func() string {
		n.flush(t, ses.ID)
		got, err := store.Get[store.Registrant](ctx, n.db, ws.ID, reg.ID)
		must(t, err)
		return got.Status
	}
	host.send(wire.Frame{Type: wire.FrameBlock, Person: reg.ID})
	host.sync()
	if got := status(); got != store.RegistrantBlocked {
		t.Fatalf("registrant %s after a block, want blocked", got)
	}
	host.send(wire.Frame{Type: wire.FrameUnblock, Person: reg.ID})
	host.sync()
	if got := status(); got != store.RegistrantApproved {
		t.Fatalf("registrant %s after an unblock, want approved", got)
	}
}
