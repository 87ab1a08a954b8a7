package room_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/mediactl"
	"github.com/onairhq/onair/media/mediatest"
	"github.com/onairhq/onair/media/room"
	"github.com/onairhq/onair/media/wire"
	"github.com/onairhq/onair/store"
)

// After a scripted session the store holds exactly what happened: chat (one line deleted),
// questions (answered, answered live, private), a poll with its votes (a re-answer replacing
// the first), room events, and one attendance row per visit with the seconds attended. A late
// joiner is shown the room as it stands.
func TestScriptedSessionIsPersisted(t *testing.T) {
	n := mediatest.StartNode(t)
	n.Rooms.Open(session)
	host := n.Join(t, session, "host", authz.SessionHost)
	p1 := n.Join(t, session, "p1", authz.SessionParticipant)
	p2 := n.Join(t, session, "p2", authz.SessionParticipant)

	p1.SendRoom(wire.FrameChatSend, wire.RoomFields{Text: "hello"})
	p2.SendRoom(wire.FrameChatSend, wire.RoomFields{Text: "spam"})
	spam := host.ExpectChat("spam")
	host.SendRoom(wire.FrameChatDelete, wire.RoomFields{ID: spam.ID})
	p1.Expect(wire.FrameChatDeleted)

	p1.SendRoom(wire.FrameQuestionAsk, wire.RoomFields{Text: "public?"})
	public := host.ExpectQuestion(func(q wire.QuestionView) bool { return q.Text == "public?" })
	host.SendRoom(wire.FrameQuestionAnswer, wire.RoomFields{ID: public.ID, Text: "yes"})
	p2.ExpectQuestion(func(q wire.QuestionView) bool { return q.Answer == "yes" })
	host.SendRoom(wire.FrameQuestionPrivate, wire.RoomFields{Enabled: boolPtr(true)})
	p2.Expect(wire.FrameQuestionsPrivate)
	p2.SendRoom(wire.FrameQuestionAsk, wire.RoomFields{Text: "private?"})
	private := host.ExpectQuestion(func(q wire.QuestionView) bool { return q.Text == "private?" })
	host.SendRoom(wire.FrameQuestionLive, wire.RoomFields{ID: private.ID})
	p2.ExpectQuestion(func(q wire.QuestionView) bool { return q.AnsweredLive })

	host.SendRoom(wire.FramePollCreate, wire.RoomFields{Text: "Which?", Options: []string{"a", "b", "c"}})
	poll := host.ExpectPoll(func(wire.PollView) bool { return true })
	host.SendRoom(wire.FramePollSend, wire.RoomFields{ID: poll.ID})
	p1.ExpectPoll(func(p wire.PollView) bool { return p.Status == store.PollSent })
	p2.ExpectPoll(func(p wire.PollView) bool { return p.Status == store.PollSent })
	p1.SendRoom(wire.FramePollAnswer, wire.RoomFields{ID: poll.ID, Option: intPtr(0)})
	p2.SendRoom(wire.FramePollAnswer, wire.RoomFields{ID: poll.ID, Option: intPtr(1)})
	p2.SendRoom(wire.FramePollAnswer, wire.RoomFields{ID: poll.ID, Option: intPtr(2)})
	host.ExpectPoll(func(p wire.PollView) bool { return fmt.Sprint(p.Counts) == "[1 0 1]" })
	p1.SendRoom(wire.FramePollAnswer, wire.RoomFields{ID: poll.ID, Option: intPtr(7)})
	p1.ExpectError(wire.CodeBadRequest)

	host.SendRoom(wire.FrameReactionsEnable, wire.RoomFields{Enabled: boolPtr(true)})
	p1.Expect(wire.FrameReactions)
	p1.SendRoom(wire.FrameReactionSend, wire.RoomFields{Reaction: "love"})
	for f := host.Expect(wire.FrameReactions); f.Reactions.Counts["love"] != 1; f = host.Expect(wire.FrameReactions) {
	}
	host.SendRoom(wire.FrameCTASend, wire.RoomFields{Text: "Buy", URL: "https://example.com/buy"})
	p1.Expect(wire.FrameCTA)

	// Someone arriving now sees the room: chat without the deleted line, the questions a
	// participant may see (none: private mode is on), the open poll with counts, reactions,
	// the participants.
	n.Clock.Advance(60 * time.Second)
	late := n.Join(t, session, "late", authz.SessionParticipant)
	j := late.Joined
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
	host.SendRoom(wire.FramePollClose, wire.RoomFields{ID: poll.ID})
	late.ExpectPoll(func(p wire.PollView) bool { return p.Status == store.PollClosed })

	// Time passes (the room's clock): p2 leaves 150 s after joining, the room closes 30 s later.
	n.Clock.Advance(90 * time.Second)
	_ = p2.WS.CloseNow()
	mediatest.WaitFor(t, "p2 gone", func() bool { return len(n.Room(t, session).Participants()) == 3 })
	n.Clock.Advance(30 * time.Second)
	n.Control(t, "POST", "/control/rooms/"+session+"/close", "", 204)

	ctx := context.Background()
	var chats []store.ChatMessage
	must(t, n.DB.NewSelect().Model(&chats).Where("session_id = ?", session).Order("text").Scan(ctx))
	if len(chats) != 2 || chats[0].Text != "hello" || chats[0].DeletedAt != nil ||
		chats[1].Text != "spam" || chats[1].DeletedAt == nil || chats[1].DeletedBy != "host" || chats[0].WorkspaceID != mediatest.TestWorkspace {
		t.Errorf("chat rows %+v", chats)
	}
	var qs []store.Question
	must(t, n.DB.NewSelect().Model(&qs).Where("session_id = ?", session).Order("id").Scan(ctx))
	if len(qs) != 2 || qs[0].Answer != "yes" || qs[0].AnsweredBy != "host" || qs[0].Private || qs[0].AnsweredLive ||
		!qs[1].Private || !qs[1].AnsweredLive || qs[1].AnsweredAt == nil || qs[1].PersonID != "p2" {
		t.Errorf("question rows %+v", qs)
	}
	var polls []store.Poll
	must(t, n.DB.NewSelect().Model(&polls).Where("session_id = ?", session).Scan(ctx))
	if len(polls) != 1 || polls[0].Status != store.PollClosed || polls[0].SentAt == nil || polls[0].ClosedAt == nil ||
		strings.Join(polls[0].Options, ",") != "a,b,c" {
		t.Errorf("poll rows %+v", polls)
	}
	var votes []store.PollVote
	must(t, n.DB.NewSelect().Model(&votes).Where("session_id = ?", session).Order("person_id").Scan(ctx))
	if len(votes) != 2 || votes[0].PersonID != "p1" || votes[0].Option != 0 || votes[1].PersonID != "p2" || votes[1].Option != 2 {
		t.Errorf("vote rows %+v", votes)
	}
	var events []store.RoomEvent
	must(t, n.DB.NewSelect().Model(&events).Where("session_id = ?", session).Order("id").Scan(ctx))
	var kinds []string
	for _, e := range events {
		kinds = append(kinds, e.Kind)
	}
	if got := strings.Join(kinds, " "); got != "questions.private_on reactions.enabled reaction cta" {
		t.Errorf("room events %q", got)
	}

	// Attendance through the control API's client, as activities read it.
	visits, err := mediactl.New(n.Server.URL, mediatest.TestSecret, nil).Attendance(ctx, session)
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
	n := mediatest.StartNode(t)
	n.Rooms.Open(session)
	host := n.Join(t, session, "host", authz.SessionHost)
	flooder := n.Join(t, session, "flooder", authz.SessionParticipant)
	other := n.Join(t, session, "other", authz.SessionParticipant)

	for i := range 200 {
		flooder.SendRoom(wire.FrameChatSend, wire.RoomFields{Text: fmt.Sprintf("flood %d", i)})
		if i%50 == 0 {
			other.SendRoom(wire.FrameChatSend, wire.RoomFields{Text: fmt.Sprintf("still here %d", i)})
		}
	}
	for i := 0; i < 200; i += 50 {
		host.ExpectChat(fmt.Sprintf("still here %d", i))
	}
	limited := 0
	for limited < 200-room.WriteBurst {
		flooder.ExpectError(wire.CodeRateLimited)
		limited++
	}
	n.Flush(t, session)
	if got := n.Count(t, (*store.ChatMessage)(nil), session, "person_id = 'flooder'"); got != room.WriteBurst {
		t.Errorf("%d flood lines stored, want the %d before the limit", got, room.WriteBurst)
	}
	// The allowance refills with time.
	n.Clock.Advance(time.Second)
	flooder.SendRoom(wire.FrameChatSend, wire.RoomFields{Text: "calm now"})
	other.ExpectChat("calm now")
}

// With a live-attendee cap of 2, a third participant is turned away with room_full; staff are
// neither counted nor refused; a freed seat lets the next one in.
func TestLiveAttendeeCap(t *testing.T) {
	n := mediatest.StartNode(t)
	n.Rooms.Open(session)
	joinCapped := func(person string, role authz.SessionRole) *mediatest.Client {
		c := n.Claims(session, person, role)
		c.MaxAttendees = 2
		p := n.Dial(t, person)
		p.Send(wire.Frame{Type: wire.FrameJoin, Session: session, Token: n.TokenFor(t, c)})
		return p
	}
	p1 := joinCapped("p1", authz.SessionParticipant)
	p1.Expect(wire.FrameJoined)
	joinCapped("p2", authz.SessionParticipant).Expect(wire.FrameJoined)
	third := joinCapped("p3", authz.SessionParticipant)
	if f := third.ExpectError(wire.CodeRoomFull); !strings.Contains(f.Message, "live-attendee limit") {
		t.Errorf("room_full message %q does not explain the limit", f.Message)
	}
	third.ExpectClosed()
	joinCapped("host", authz.SessionHost).Expect(wire.FrameJoined)
	joinCapped("speaker", authz.SessionSpeaker).Expect(wire.FrameJoined)
	// p1 reconnecting keeps their own seat.
	again := joinCapped("p1", authz.SessionParticipant)
	again.Expect(wire.FrameJoined)
	p1.Expect(wire.FrameBye)

	_ = again.WS.CloseNow()
	mediatest.WaitFor(t, "a seat freed", func() bool { return len(n.Room(t, session).Participants()) == 3 })
	joinCapped("p3", authz.SessionParticipant).Expect(wire.FrameJoined)
}

// A blocked participant cannot rejoin, not even after the room closed and reopened (the store
// remembers) until unblocked; a kicked one comes back with a new token.
func TestBlockedCannotRejoinKickedCan(t *testing.T) {
	n := mediatest.StartNode(t)
	n.Rooms.Open(session)
	host := n.Join(t, session, "host", authz.SessionHost)
	bad := n.Join(t, session, "bad", authz.SessionParticipant)
	noisy := n.Join(t, session, "noisy", authz.SessionParticipant)

	host.Send(wire.Frame{Type: wire.FrameBlock, Person: "bad"})
	if f := bad.Expect(wire.FrameBye); f.Code != wire.CodeBlocked {
		t.Fatalf("bye %+v, want blocked", f)
	}
	bad.ExpectClosed()
	host.Send(wire.Frame{Type: wire.FrameKick, Person: "noisy"})
	if f := noisy.Expect(wire.FrameBye); f.Code != wire.CodeKicked {
		t.Fatalf("bye %+v, want kicked", f)
	}
	noisy.ExpectClosed()
	host.Send(wire.Frame{Type: wire.FrameKick, Person: "host"})
	host.ExpectError(wire.CodeBadRequest) // staff are managed in the workspace, not kicked

	refusedJoin := func() {
		t.Helper()
		p := n.Dial(t, "bad again")
		p.Send(wire.Frame{Type: wire.FrameJoin, Session: session, Token: n.Token(t, session, "bad", authz.SessionParticipant)})
		p.ExpectError(wire.CodeBlocked)
		p.ExpectClosed()
	}
	refusedJoin()
	n.Join(t, session, "noisy", authz.SessionParticipant)

	n.Control(t, "POST", "/control/rooms/"+session+"/close", "", 204)
	n.Rooms.Open(session)
	refusedJoin()
	host = n.Join(t, session, "host", authz.SessionHost)
	host.Send(wire.Frame{Type: wire.FrameUnblock, Person: "bad"})
	host.Sync()
	n.Flush(t, session)
	n.Join(t, session, "bad", authz.SessionParticipant)
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
	n := mediatest.StartNode(t)
	ctx := context.Background()
	ws := store.NewWorkspace("Room", "free")
	ev := store.NewEvent(ws.ID, "Talk", "", store.EventSettings{}, "usr_1")
	ses := &store.Session{ID: store.NewID("ses"), WorkspaceID: ws.ID, EventID: ev.ID, StartsAt: time.Now().UTC(),
		DurationMinutes: 30, Timezone: "UTC", Status: store.SessionScheduled, Capacity: 10, CreatedAt: store.Now(), UpdatedAt: store.Now()}
	must(t, store.Insert(ctx, n.DB, ws))
	must(t, store.Insert(ctx, n.DB, ev))
	must(t, store.Insert(ctx, n.DB, ses))
	reg, _, err := store.Register(ctx, n.DB, store.Registration{Event: ev, Session: ses, Email: "bad@example.com", Name: "Bad"})
	must(t, err)

	n.Rooms.Open(ses.ID)
	join := func(person string, role authz.SessionRole) *mediatest.Client {
		c := n.Claims(ses.ID, person, role)
		c.WorkspaceID = ws.ID
		p := n.Dial(t, person)
		p.Send(wire.Frame{Type: wire.FrameJoin, Session: ses.ID, Token: n.TokenFor(t, c)})
		p.Joined = p.Expect(wire.FrameJoined)
		return p
	}
	host := join("mem_host", authz.SessionHost)
	join(reg.ID, authz.SessionParticipant)
	status := func() string {
		n.Flush(t, ses.ID)
		got, err := store.Get[store.Registrant](ctx, n.DB, ws.ID, reg.ID)
		must(t, err)
		return got.Status
	}
	host.Send(wire.Frame{Type: wire.FrameBlock, Person: reg.ID})
	host.Sync()
	if got := status(); got != store.RegistrantBlocked {
		t.Fatalf("registrant %s after a block, want blocked", got)
	}
	host.Send(wire.Frame{Type: wire.FrameUnblock, Person: reg.ID})
	host.Sync()
	if got := status(); got != store.RegistrantApproved {
		t.Fatalf("registrant %s after an unblock, want approved", got)
	}
}
