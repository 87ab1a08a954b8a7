// Package wire holds the frames of the signaling WebSocket between a room page and a media
// node: their types, fields, payload views and error codes. The room model (media/room) sends
// and receives them, the transport (media/signal) carries them as JSON, the room page and the
// tests speak them; wire itself does nothing.
package wire

import (
	"github.com/pion/webrtc/v4"

	"github.com/onairhq/onair/media/mediactl"
)

// Frame types on the signaling WebSocket. Client → server: join, offer, answer, candidate,
// stage.invite, stage.accept, stage.decline, stage.remove. Server → client: joined, live,
// offer, answer, candidate, stage.invited, stage.declined, stage, role, error, bye. Room
// events (chat, questions, polls, reactions, CTA, moderation, participants, presentation,
// breakouts) are listed in room_events.go.
//
//	live {live: true}                     the session started: sent to everyone already in the
//	                                      (green) room; later joiners read joined.live
//	stage.decline {}                      refuse a pending stage invitation (no_stage_invite
//	                                      without one); the inviter gets stage.declined
//	stage.declined {person, name}         who declined your invitation
const (
	FrameJoin          = "join"
	FrameJoined        = "joined"
	FrameLive          = "live" // the green room went live
	FrameOffer         = "offer"
	FrameAnswer        = "answer"
	FrameCandidate     = "candidate"
	FrameStageInvite   = "stage.invite"
	FrameStageInvited  = "stage.invited"
	FrameStageAccept   = "stage.accept"
	FrameStageDecline  = "stage.decline"
	FrameStageDeclined = "stage.declined"
	FrameStageRemove   = "stage.remove"
	FrameStage         = "stage" // someone went on or off stage
	FrameRole          = "role"  // your session role changed
	FrameError         = "error"
	FrameBye           = "bye" // the room closed or you were replaced by a newer connection
)

// Frame is one JSON message on the signaling WebSocket; each type uses the fields it needs.
type Frame struct {
	Type      string                   `json:"type"`
	Session   string                   `json:"session,omitempty"`
	Token     string                   `json:"token,omitempty"`
	SDP       string                   `json:"sdp,omitempty"`
	Candidate *webrtc.ICECandidateInit `json:"candidate,omitempty"`
	Person    string                   `json:"person,omitempty"`
	Name      string                   `json:"name,omitempty"`
	Role      string                   `json:"role,omitempty"`
	OnStage   *bool                    `json:"onStage,omitempty"`
	Live      *bool                    `json:"live,omitempty"`
	Code      string                   `json:"code,omitempty"`
	Message   string                   `json:"message,omitempty"`
	Recording *RecordingState          `json:"recording,omitempty"`
	// ICEServers (joined) are the TURN servers this join may relay through (ice.go).
	ICEServers []ICEServer `json:"iceServers,omitempty"`

	RoomFields      // room events: room_events.go
	ScreenFields    // screen sharing: screen.go
	VideoSizeFields // the size a video is shown at: video.go
	QualityFields   // connection quality: quality.go
}

// Error codes in error frames; the room page maps each to a message.
const (
	CodeBadJSON        = "bad_json"
	CodeTooLarge       = "frame_too_large"
	CodeUnknownType    = "unknown_type"
	CodeNotJoined      = "not_joined"
	CodeAlreadyJoined  = "already_joined"
	CodeTokenExpired   = "token_expired"
	CodeTokenInvalid   = "token_invalid"
	CodeWrongSession   = "token_wrong_session"
	CodeRoomNotLive    = "room_not_live"
	CodeRoomClosed     = "room_closed"
	CodeBadSDP         = "bad_sdp"
	CodeBadCandidate   = "bad_candidate"
	CodeDenied         = "denied"
	CodePublishRefused = "publish_refused"
	CodeNoSuchPerson   = "no_such_person"
	CodeNoInvite       = "no_stage_invite"
	CodeTooSlow        = "too_slow"
	// CodeStageMoved: you accepted a stage invitation on an edge of the room (a node relaying
	// it from its origin, where alone tracks are published); your seat moved to the origin and
	// this connection closes: join again through your personal link to go on stage there.
	CodeStageMoved = "stage_moved"
	// CodeStageMoveFailed: that move could not be made (the room moved, the store failed);
	// you stay where you are, off stage.
	CodeStageMoveFailed = "stage_move_failed"
	// CodeNodeUnavailable: this media node lost the store for longer than the node timeout
	// and takes no joins (its rooms move to another node): ask the API again through the
	// personal link.
	CodeNodeUnavailable = "node_unavailable"
)

// Frames of recording on the signaling WebSocket.
const (
	FrameRecordStart = "record.start" // client → server, host only (room.record)
	FrameRecordStop  = "record.stop"
	FrameRecording   = "recording" // server → everyone: REC on or off
)

// CodeRecordingFailed reports a record.start or record.stop the node could not carry out.
const CodeRecordingFailed = "recording_failed"

// RecordingState is the recording frame's payload.
type RecordingState struct {
	State string `json:"state"` // recording or stopped
}

// ParticipantInfo is one person in a room, as the participants frame carries them and the
// control API lists them.
type ParticipantInfo = mediactl.Participant
