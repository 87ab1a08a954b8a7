package room

import (
	"encoding/json"
	"fmt"

	"github.com/onairhq/onair/media/wire"
)

// frameHandler acts on one frame p sent.
type frameHandler func(r *Room, p *Participant, f wire.Frame) error

// frameHandlers is the room's one dispatch: every frame a participant may send once joined,
// by type, and the method that acts on it. A new frame type is a wire constant and a line here.
var frameHandlers = map[string]frameHandler{
	// Negotiation of the participant's PeerConnection (participant.go).
	wire.FrameOffer:     func(_ *Room, p *Participant, f wire.Frame) error { return p.handleOffer(f.SDP) },
	wire.FrameAnswer:    func(_ *Room, p *Participant, f wire.Frame) error { return p.handleAnswer(f.SDP) },
	wire.FrameCandidate: func(_ *Room, p *Participant, f wire.Frame) error { return p.handleCandidate(f.Candidate) },

	// The stage (stage.go) and what is presented on it (presentation.go).
	wire.FrameStageInvite:       (*Room).inviteToStage,
	wire.FrameStageAccept:       (*Room).acceptStage,
	wire.FrameStageDecline:      (*Room).declineStage,
	wire.FrameStageRemove:       (*Room).removeFromStage,
	wire.FramePresentationStart: (*Room).startPresentation,
	wire.FramePresentationStop:  (*Room).stopPresentation,
	wire.FrameDeckOpen:          (*Room).openDeck, // decks.go
	wire.FrameDeckPage:          (*Room).pageDeck,
	wire.FrameDeckClose:         (*Room).closeDeck,
	wire.FrameDeckList:          (*Room).listDecks,

	// Screen sharing (screen.go).
	wire.FrameScreenStart: (*Room).startScreen,
	wire.FrameScreenStop:  (*Room).stopScreen,

	// The size a subscriber shows a video at (video_size.go).
	wire.FrameVideoSize: (*Room).setVideoSize,

	// Connection quality (quality.go).
	wire.FrameQuality: (*Room).reportQuality,

	// Host controls (host.go).
	wire.FrameSessionStart: (*Room).controlSession,
	wire.FrameSessionStop:  (*Room).controlSession,

	// Recording (recording.go).
	wire.FrameRecordStart: (*Room).record,
	wire.FrameRecordStop:  (*Room).record,

	// Chat (chat.go), questions (questions.go), polls (polls.go).
	wire.FrameChatSend:        (*Room).sendChat,
	wire.FrameChatDelete:      (*Room).deleteChat,
	wire.FrameQuestionAsk:     (*Room).askQuestion,
	wire.FrameQuestionPrivate: (*Room).setPrivateQuestions,
	wire.FrameQuestionAnswer:  (*Room).answerQuestion,
	wire.FrameQuestionLive:    (*Room).answerQuestionLive,
	wire.FrameQuestionDelete:  (*Room).deleteQuestion,
	wire.FramePollCreate:      (*Room).createPoll,
	wire.FramePollSend:        (*Room).sendPoll,
	wire.FramePollClose:       (*Room).closePoll,
	wire.FramePollAnswer:      (*Room).answerPoll,

	// Reactions, calls to action and moderation (moderation.go).
	wire.FrameReactionsEnable:  (*Room).enableReactions,
	wire.FrameReactionSend:     (*Room).sendReaction,
	wire.FrameCTASend:          (*Room).sendCTA,
	wire.FrameCTAClick:         (*Room).clickCTA,
	wire.FrameBlock:            (*Room).block,
	wire.FrameUnblock:          (*Room).unblock,
	wire.FrameKick:             (*Room).kick,
	wire.FrameParticipantsHide: (*Room).hideParticipants,

	// Breakout groups (breakouts.go).
	wire.FrameBreakoutCreate: (*Room).createBreakouts,
	wire.FrameBreakoutMove:   (*Room).moveToBreakout,
	wire.FrameBreakoutStart:  (*Room).startBreakouts,
	wire.FrameBreakoutEnd:    (*Room).endBreakouts,
	wire.FrameBreakoutVisit:  (*Room).visitBreakout, // breakout_media.go
}

// Handle acts on one frame p sent after joining: the one way frames enter the room. The
// error is what to tell p (an error frame); an unknown type is ErrUnknownFrame, and
// ErrNegotiationBroken means p's connection cannot go on.
func (r *Room) Handle(p *Participant, f wire.Frame) error {
	if r.edge != nil && p.kind == kindLocal && !edgeFrames[f.Type] {
		return r.toOrigin(p, f)
	}
	h, ok := frameHandlers[f.Type]
	if !ok {
		return fmt.Errorf("%w %s", ErrUnknownFrame, quote(f.Type))
	}
	return h(r, p, f)
}

// quote shows a value from a frame in an error message, cut to a readable length.
func quote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	b, _ := json.Marshal(s)
	return string(b)
}
