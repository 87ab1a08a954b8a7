package room_test

import (
	"strings"
	"testing"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/mediatest"
	"github.com/onairhq/onair/media/room"
	"github.com/onairhq/onair/media/wire"
	"github.com/onairhq/onair/store"
)

// A speaker is on stage while publishing (real Pion tracks): only then may they answer live.
func TestSpeakerAnswersLiveOnlyWhilePublishing(t *testing.T) {
	n := mediatest.StartNode(t)
	n.Rooms.Open(session)
	speaker := n.Join(t, session, "speaker", authz.SessionSpeaker)
	viewer := n.Join(t, session, "viewer", authz.SessionParticipant)
	viewer.SendRoom(wire.FrameQuestionAsk, wire.RoomFields{Text: "live?"})
	q := speaker.ExpectQuestion(func(q wire.QuestionView) bool { return q.Text == "live?" })

	speaker.SendRoom(wire.FrameQuestionLive, wire.RoomFields{ID: q.ID})
	speaker.ExpectDenied(authz.QuestionAnswerLive)

	speaker.Publish("video")
	if f := viewer.Expect(wire.FrameStage); f.Person != "speaker" || !*f.OnStage {
		t.Fatalf("stage frame %+v, want the publishing speaker on stage", f)
	}
	mediatest.WaitFor(t, "viewer receiving the speaker", func() bool { return viewer.Received("speaker", "video") >= 20 })
	speaker.SendRoom(wire.FrameQuestionLive, wire.RoomFields{ID: q.ID})
	viewer.ExpectQuestion(func(q wire.QuestionView) bool { return q.AnsweredLive })
	n.Flush(t, session)
	if got := n.Count(t, (*store.Question)(nil), session, "answered_live AND answered_by = 'speaker'"); got != 1 {
		t.Errorf("%d questions answered live by the speaker in the store, want 1", got)
	}
}

// Bad room-event frames get error frames naming the problem, store nothing, and the
// connection keeps working.
func TestBadRoomFramesGetErrorFrames(t *testing.T) {
	n := mediatest.StartNode(t)
	n.Rooms.Open(session)
	host := n.Join(t, session, "host", authz.SessionHost)
	viewer := n.Join(t, session, "viewer", authz.SessionParticipant)
	for _, tc := range []struct {
		name  string
		frame wire.Frame
		code  string
	}{
		{"empty chat", wire.Frame{Type: wire.FrameChatSend, RoomFields: wire.RoomFields{Text: "   "}}, wire.CodeBadRequest},
		{"chat too long", wire.Frame{Type: wire.FrameChatSend, RoomFields: wire.RoomFields{Text: strings.Repeat("é", room.MaxChatRunes+1)}}, wire.CodeBadRequest},
		{"delete unknown chat", wire.Frame{Type: wire.FrameChatDelete, RoomFields: wire.RoomFields{ID: "chat_nope"}}, wire.CodeNotFound},
		{"answer unknown question", wire.Frame{Type: wire.FrameQuestionAnswer, RoomFields: wire.RoomFields{ID: "q_nope", Text: "x"}}, wire.CodeNotFound},
		{"poll with one option", wire.Frame{Type: wire.FramePollCreate, RoomFields: wire.RoomFields{Text: "?", Options: []string{"only"}}}, wire.CodeBadRequest},
		{"answer unknown poll", wire.Frame{Type: wire.FramePollAnswer, RoomFields: wire.RoomFields{ID: "poll_nope", Option: intPtr(0)}}, wire.CodeNotFound},
		{"private without enabled", wire.Frame{Type: wire.FrameQuestionPrivate}, wire.CodeBadRequest},
		{"script URL as CTA", wire.Frame{Type: wire.FrameCTASend, RoomFields: wire.RoomFields{Text: "go", URL: "javascript:alert(1)"}}, wire.CodeBadRequest},
		{"relative presentation URL", wire.Frame{Type: wire.FramePresentationStart, RoomFields: wire.RoomFields{URL: "/deck.pdf"}}, wire.CodeBadRequest},
		{"reaction while off", wire.Frame{Type: wire.FrameReactionSend, RoomFields: wire.RoomFields{Reaction: "like"}}, wire.CodeDisabled},
		{"block nobody", wire.Frame{Type: wire.FrameBlock, Person: "ghost"}, wire.CodeNoSuchPerson},
		{"start breakouts never created", wire.Frame{Type: wire.FrameBreakoutStart}, wire.CodeBadRequest},
		{"move to unknown breakout", wire.Frame{Type: wire.FrameBreakoutMove, Person: "viewer", RoomFields: wire.RoomFields{ID: "brk9"}}, wire.CodeNotFound},
	} {
		host.Send(tc.frame)
		if f := host.Expect(wire.FrameError); f.Code != tc.code {
			t.Errorf("%s: error code %q (%s), want %q", tc.name, f.Code, f.Message, tc.code)
		}
	}
	host.SendRoom(wire.FrameChatSend, wire.RoomFields{Text: "still fine"})
	viewer.ExpectChat("still fine")
	n.Flush(t, session)
	if got := n.Count(t, (*store.ChatMessage)(nil), session, ""); got != 1 {
		t.Errorf("%d chat rows, want only the good line", got)
	}
}
