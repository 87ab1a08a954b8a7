package room_test

import (
	"context"
	"testing"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/mediactl"
	"github.com/onairhq/onair/media/mediatest"
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
	before := mediatest.StartNodeOn(t, dir, storetest.Postgres(t))
	ses := storeSession(t, before.DB, session, store.SessionLive, false)
	must(t, before.MediaCtl().OpenRoom(context.Background(), session, mediactl.OpenRequest{WorkspaceID: ses.WorkspaceID}))
	host := before.JoinSession(t, ses, "host", authz.SessionHost)
	viewer := before.JoinSession(t, ses, "reg_1", authz.SessionParticipant)

	viewer.SendRoom(wire.FrameChatSend, wire.RoomFields{Text: "deleted later"})
	gone := host.ExpectChat("deleted later")
	host.SendRoom(wire.FrameChatDelete, wire.RoomFields{ID: gone.ID})
	viewer.SendRoom(wire.FrameChatSend, wire.RoomFields{Text: "hello from the audience"})
	host.ExpectChat("hello from the audience")
	viewer.SendRoom(wire.FrameQuestionAsk, wire.RoomFields{Text: "Will the slides be shared?"})
	host.SendRoom(wire.FramePollCreate, wire.RoomFields{Text: "Useful?", Options: []string{"yes", "no"}})
	poll := host.Expect(wire.FramePoll).Poll
	host.SendRoom(wire.FramePollSend, wire.RoomFields{ID: poll.ID})
	viewer.Expect(wire.FramePoll)
	viewer.SendRoom(wire.FramePollAnswer, wire.RoomFields{ID: poll.ID, Option: intPtr(0)})
	host.SendRoom(wire.FrameReactionsEnable, wire.RoomFields{Enabled: boolPtr(true)})
	viewer.Expect(wire.FrameReactions)
	viewer.SendRoom(wire.FrameReactionSend, wire.RoomFields{Reaction: "clap"})
	host.SendRoom(wire.FrameQuestionPrivate, wire.RoomFields{Enabled: boolPtr(true)})
	host.SendRoom(wire.FrameCTASend, wire.RoomFields{Text: "Book a demo", URL: "https://example.com/demo"})
	host.SendRoom(wire.FramePresentationStart, wire.RoomFields{URL: "https://example.com/old.pdf"})
	host.SendRoom(wire.FramePresentationStart, wire.RoomFields{URL: "https://example.com/slides.pdf"})
	viewer.Sync()
	host.Sync()
	before.Flush(t, session)

	before.Rooms.CloseAll() // onair media's shutdown
	before.Server.Close()
	viewer.ExpectClosedWithoutBye()
	host.ExpectClosedWithoutBye()

	after := mediatest.StartNodeOn(t, dir, before.DB)
	got := after.JoinSession(t, ses, "reg_1", authz.SessionParticipant).Joined.RoomFields
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
