package signal

import (
	"errors"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/jointoken"
	"github.com/onairhq/onair/media/recording"
	"github.com/onairhq/onair/media/room"
	"github.com/onairhq/onair/media/wire"
)

// errorCode is the error frame's code for err: the room's sentinel errors, the join token's
// and authz's refusals each have their own, which the room page explains in a sentence.
func errorCode(err error) string {
	var refused *room.RefusedError
	switch {
	case errors.As(err, &refused): // a room's origin node said why (a room spanning nodes)
		return refused.Code
	case errors.Is(err, room.ErrUnknownFrame):
		return wire.CodeUnknownType
	case errors.Is(err, jointoken.ErrTokenExpired):
		return wire.CodeTokenExpired
	case errors.Is(err, jointoken.ErrTokenWrongSession):
		return wire.CodeWrongSession
	case errors.Is(err, jointoken.ErrTokenForged), errors.Is(err, jointoken.ErrTokenMalformed), errors.Is(err, room.ErrWrongWorkspace):
		return wire.CodeTokenInvalid
	case errors.Is(err, room.ErrRoomNotLive):
		return wire.CodeRoomNotLive
	case errors.Is(err, room.ErrRoomClosed):
		return wire.CodeRoomClosed
	case errors.Is(err, room.ErrNodeFenced):
		return wire.CodeNodeUnavailable
	case errors.Is(err, room.ErrBadSDP), errors.Is(err, room.ErrNegotiationBroken):
		return wire.CodeBadSDP
	case errors.Is(err, room.ErrBadCandidate):
		return wire.CodeBadCandidate
	case errors.Is(err, authz.ErrDenied):
		return wire.CodeDenied
	case errors.Is(err, room.ErrNoSuchPerson):
		return wire.CodeNoSuchPerson
	case errors.Is(err, room.ErrNoStageInvite):
		return wire.CodeNoInvite
	case isRecordingError(err):
		return wire.CodeRecordingFailed
	}
	return roomEventCode(err)
}

// roomEventCode is the code of a refused room-event frame (chat, questions, polls, moderation).
func roomEventCode(err error) string {
	switch {
	case errors.Is(err, room.ErrRateLimited):
		return wire.CodeRateLimited
	case errors.Is(err, room.ErrBadRequest):
		return wire.CodeBadRequest
	case errors.Is(err, room.ErrNotFound):
		return wire.CodeNotFound
	case errors.Is(err, room.ErrRoomFull):
		return wire.CodeRoomFull
	case errors.Is(err, room.ErrBlocked):
		return wire.CodeBlocked
	case errors.Is(err, room.ErrDisabled):
		return wire.CodeDisabled
	}
	return "internal"
}

// isRecordingError: a record.start or record.stop the node could not carry out.
func isRecordingError(err error) bool {
	return errors.Is(err, room.ErrRecordingUnavailable) || errors.Is(err, recording.ErrNotRecording) ||
		errors.Is(err, recording.ErrFinalized) || errors.Is(err, recording.ErrFinalizing) ||
		errors.Is(err, recording.ErrBadSessionID)
}
