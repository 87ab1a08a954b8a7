package media

import (
	"context"
	"testing"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/mediactl"
	"github.com/onairhq/onair/media/wire"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

// The media node restarts during a live session: the room the first join reopens shows what
// it had said and shown — the chat, the questions, the polls with their votes, the reactions
// and their switch, private questions, the call to action and the presentation — and not what
// was deleted or stopped.
func TestRestartedNodeRestoresRoomState(t *testing.T) {
	dir := t.TempDir()
	before := newTestNodeOn(t, dir, storetest.Postgres(t))
	ses := storeSession(t, before.db, session, store.SessionLive, false)
	must(t, before.client().OpenRoom(context.Background(), session, mediactl.OpenRequest{WorkspaceID: ses.WorkspaceID}))
	host := before.joinSession(t, ses, "host", authz.SessionHost)
	viewer := before.joinSession(t, ses, "reg_1", authz.SessionParticipant)

	viewer.sendRoom(wire.FrameChatSend, wire.RoomFields{Text: "deleted later"})
	gone := host.expectChat("deleted later")
	host.sendRoom(wire.FrameChatDelete, wire.RoomFields{ID: gone.ID})
	viewer.sendRoom(wire.FrameChatSend, wire.RoomFields{Text: "hello from the audience"})
	host.expectChat("hello from the audience")
	viewer.sendRoom(wire.FrameQuestionAsk, wire.RoomFields{Text: "Will the slides be shared?"})
	host.sendRoom(wire.FramePollCreate, wire.RoomFields{Text: "Useful?", Options: []string{"yes", "no"}})
	poll := host.expect(wire.FramePoll).Poll
	host.sendRoom(wire.FramePollSend, wire.RoomFields{ID: poll.ID})
	viewer.expect(wire.FramePoll)
	viewer.sendRoom(wire.FramePollAnswer, wire.RoomFields{ID: poll.ID, Option: intPtr(0)})
	host.sendRoom(wire.FrameReactionsEnable, wire.RoomFields{Enabled: boolPtr(true)})
	viewer.expect(wire.FrameReactions)
	viewer.sendRoom(wire.FrameReactionSend, wire.RoomFields{Reaction: "clap"})
	host.sendRoom(wire.FrameQuestionPrivate, wire.RoomFields{Enabled: boolPtr(true)})
	host.sendRoom(wire.FrameCTASend, wire.RoomFields{Text: "Book a demo", URL: "https://example.com/demo"})
	host.sendRoom(wire.FramePresentationStart, wire.RoomFields{URL: "https://example.com/old.pdf"})
	host.sendRoom(wire.FramePresentationStart, wire.RoomFields{URL: "https://example.com/slides.pdf"})
	viewer.sync()
	host.sync()
	before.flush(t, session)

	before.rooms.CloseAll() // onair media's shutdown
	before.srv.Close()
	viewer.expectClosedWithoutBye()
	host.expectClosedWithoutBye()

	after := newTestNodeOn(t, dir, before.db)
	got := after.joinSession(t, ses, "reg_1", authz.SessionParticipant).joined.RoomFields
	if len(got.Chats) != 1 || got.Chats[0].Text != "hello from the audience" || got.Chats[0].Person != "reg_1" {
		t.Errorf("chat after the restart %+v, want the one line not deleted", got.Chats)
	}
	if len(got.Questions) != 1 || got.Questions[0].Text != "Will the slides be shared?" {
		t.Errorf("questions after the restart %+v", got.Questions)
	}
	if len(got.Polls) != 1 || got.Polls[0].Status != store.PollSent || got.Polls[0].Counts[0] != 1 ||
		got.Polls[0].Mine == nil || *got.Polls[0].Mine != 0 {
		t.Errorf("polls after the restart %+v, want the sent poll with the participant's vote", got.Polls)
	}
	if r := got.Reactions; r == nil || !r.Enabled || r.Counts["clap"] != 1 {
		t.Errorf("reactions after the restart %+v, want enabled with one clap", r)
	}
	if !got.PrivateQuestions {
		t.Error("private questions were switched off by the restart")
	}
	if got.CTA == nil || got.CTA.Text != "Book a demo" || got.CTA.URL != "https://example.com/demo" {
		t.Errorf("call to action after the restart %+v", got.CTA)
	}
	if got.Presentation == nil || got.Presentation.URL != "https://example.com/slides.pdf" || got.Presentation.Person != "host" {
		t.Errorf("presentation after the restart %+v, want the latest one", got.Presentation)
	}
}
