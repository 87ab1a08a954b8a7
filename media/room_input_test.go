package media

import (
	"strings"
	"testing"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/store"
)

// A speaker is on stage while publishing (real Pion tracks): only then may they answer live.
func TestSpeakerAnswersLiveOnlyWhilePublishing(t *testing.T) {
	n := newTestNode(t)
	n.rooms.Open(session)
	speaker := n.join(t, session, "speaker", authz.SessionSpeaker)
	viewer := n.join(t, session, "viewer", authz.SessionParticipant)
	viewer.sendRoom(FrameQuestionAsk, RoomFields{Text: "live?"})
	q := speaker.expectQuestion(func(q QuestionView) bool { return q.Text == "live?" })

	speaker.sendRoom(FrameQuestionLive, RoomFields{ID: q.ID})
	speaker.expectDenied(authz.QuestionAnswerLive)

	speaker.Publish("video")
	if f := viewer.expect(FrameStage); f.Person != "speaker" || !*f.OnStage {
		t.Fatalf("stage frame %+v, want the publishing speaker on stage", f)
	}
	waitFor(t, "viewer receiving the speaker", func() bool { return viewer.Received("speaker", "video") >= 20 })
	speaker.sendRoom(FrameQuestionLive, RoomFields{ID: q.ID})
	viewer.expectQuestion(func(q QuestionView) bool { return q.AnsweredLive })
	n.flush(t, session)
	if got := n.count(t, (*store.Question)(nil), session, "answered_live AND answered_by = 'speaker'"); got != 1 {
		t.Errorf("%d questions answered live by the speaker in the store, want 1", got)
	}
}

// Bad room-event frames get error frames naming the problem, store nothing, and the
// connection keeps working.
func TestBadRoomFramesGetErrorFrames(t *testing.T) {
	n := newTestNode(t)
	n.rooms.Open(session)
	host := n.join(t, session, "host", authz.SessionHost)
	viewer := n.join(t, session, "viewer", authz.SessionParticipant)
	for _, tc := range []struct {
		name  string
		frame Frame
		code  string
	}{
		{"empty chat", Frame{Type: FrameChatSend, RoomFields: RoomFields{Text: "   "}}, CodeBadRequest},
		{"chat too long", Frame{Type: FrameChatSend, RoomFields: RoomFields{Text: strings.Repeat("é", maxChatRunes+1)}}, CodeBadRequest},
		{"delete unknown chat", Frame{Type: FrameChatDelete, RoomFields: RoomFields{ID: "chat_nope"}}, CodeNotFound},
		{"answer unknown question", Frame{Type: FrameQuestionAnswer, RoomFields: RoomFields{ID: "q_nope", Text: "x"}}, CodeNotFound},
		{"poll with one option", Frame{Type: FramePollCreate, RoomFields: RoomFields{Text: "?", Options: []string{"only"}}}, CodeBadRequest},
		{"answer unknown poll", Frame{Type: FramePollAnswer, RoomFields: RoomFields{ID: "poll_nope", Option: intPtr(0)}}, CodeNotFound},
		{"private without enabled", Frame{Type: FrameQuestionPrivate}, CodeBadRequest},
		{"script URL as CTA", Frame{Type: FrameCTASend, RoomFields: RoomFields{Text: "go", URL: "javascript:alert(1)"}}, CodeBadRequest},
		{"relative presentation URL", Frame{Type: FramePresentationStart, RoomFields: RoomFields{URL: "/deck.pdf"}}, CodeBadRequest},
		{"reaction while off", Frame{Type: FrameReactionSend, RoomFields: RoomFields{Reaction: "like"}}, CodeDisabled},
		{"block nobody", Frame{Type: FrameBlock, Person: "ghost"}, CodeNoSuchPerson},
		{"start breakouts never created", Frame{Type: FrameBreakoutStart}, CodeBadRequest},
		{"move to unknown breakout", Frame{Type: FrameBreakoutMove, Person: "viewer", RoomFields: RoomFields{ID: "brk9"}}, CodeNotFound},
	} {
		host.send(tc.frame)
		if f := host.expect(FrameError); f.Code != tc.code {
			t.Errorf("%s: error code %q (%s), want %q", tc.name, f.Code, f.Message, tc.code)
		}
	}
	host.sendRoom(FrameChatSend, RoomFields{Text: "still fine"})
	viewer.expectChat("still fine")
	n.flush(t, session)
	if got := n.count(t, (*store.ChatMessage)(nil), session, ""); got != 1 {
		t.Errorf("%d chat rows, want only the good line", got)
	}
}
