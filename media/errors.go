package media

import "errors"

// Room errors.
var (
	ErrRoomClosed    = errors.New("media: room closed")
	ErrRoomNotLive   = errors.New("media: room not live yet")
	ErrRoomNotFound  = errors.New("media: no such room")
	ErrNoSuchPerson  = errors.New("media: no such person in the room")
	ErrNoStageInvite = errors.New("media: no pending stage invitation")
)

// Room-event errors.
var (
	ErrRateLimited = errors.New("media: slow down: too many chat messages")
	ErrBadRequest  = errors.New("media: bad room-event frame")
	ErrNotFound    = errors.New("media: no such item in this room")
	ErrRoomFull    = errors.New("media: the room is full: the live-attendee limit of this plan is reached")
	ErrBlocked     = errors.New("media: you were blocked from this room")
	ErrDisabled    = errors.New("media: reactions are turned off")
)

func boolPtr(b bool) *bool { return &b }
