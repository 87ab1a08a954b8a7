package wire

// Host controls on the signaling WebSocket: a host (room.start_stop) takes the session live
// from the green room, or ends it. The media node passes them to the API (media/hostctl),
// which runs the session workflow's own validated updates; their visible effects come back as
// the usual frames (live to everyone; bye room_closed when it ends).
//
//	session.start {}                      client → server; denied (naming room.start_stop)
//	session.stop {}                       to anyone else
//	error {code: session_control_failed, message}
//	                                      the API refused or could not be reached; message
//	                                      is its reason
const (
	FrameSessionStart = "session.start"
	FrameSessionStop  = "session.stop"
)

// CodeSessionControlFailed reports a session.start or session.stop the API did not carry out.
const CodeSessionControlFailed = "session_control_failed"
