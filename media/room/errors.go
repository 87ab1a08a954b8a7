package room

import "errors"

// The room's refusals. The edges map them to what their callers read: media/signal to the
// error codes of error frames, media/control to HTTP statuses. Their texts reach the room page
// in error frames as they are.
var (
	// Rooms and who may be in them.
	ErrRoomClosed     = errors.New("media: room closed")
	ErrRoomNotLive    = errors.New("media: room not live yet")
	ErrRoomNotFound   = errors.New("media: no such room")
	ErrNoSuchPerson   = errors.New("media: no such person in the room")
	ErrRoomFull       = errors.New("media: the room is full: the live-attendee limit of this plan is reached")
	ErrBlocked        = errors.New("media: you were blocked from this room")
	ErrWrongWorkspace = errors.New("media: join token names another workspace than its session's")
	// ErrNodeFenced: this node has lost the store for longer than the node timeout, so the API
	// places its rooms elsewhere (fence.go); the page finds the room's new node through the
	// personal link.
	ErrNodeFenced = errors.New("media: this media node lost the store and takes no rooms for now")

	// Frames.
	ErrUnknownFrame = errors.New("unknown frame type")
	ErrBadRequest   = errors.New("media: bad room-event frame")
	ErrNotFound     = errors.New("media: no such item in this room")
	ErrRateLimited  = errors.New("media: slow down: too many chat messages")
	ErrDisabled     = errors.New("media: reactions are turned off")

	// The stage and negotiation.
	ErrNoStageInvite = errors.New("media: no pending stage invitation")
	ErrBadSDP        = errors.New("media: bad session description")
	ErrBadCandidate  = errors.New("media: bad ICE candidate")
	// ErrNegotiationBroken: a description failed after Pion committed to it; the connection
	// cannot recover and the peer must reconnect.
	ErrNegotiationBroken = errors.New("media: bad session description; reconnect")

	// ErrRecordingUnavailable means this node was started without a recordings directory.
	ErrRecordingUnavailable = errors.New("media: recording is not configured on this node")
)
