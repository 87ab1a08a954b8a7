package wire

// Screen sharing on the signaling WebSocket. A person allowed on stage (stage.join) shares a
// screen beside their camera: the page says which of the tracks it is about to send is the
// screen, then adds it to its PeerConnection.
//
//	screen.start {id}                     client → server: the track with this id (the browser's
//	                                      MediaStreamTrack.id, the SDP msid's track id) is a
//	                                      screen; refused (denied, naming stage.join) to whoever
//	                                      may not publish
//	screen.stop {}                        client → server: stop sharing; the screen leaves every
//	                                      page at once, whatever the browser's renegotiation
//	screens {screens}                     server → everyone, and in joined: every screen shared
//	                                      now, in the order they started
//
// A subscriber receives a screen as a stream of its own, named ScreenStream(person), beside the
// person's camera and microphone stream (named by the person id), so a page tells them apart
// before any screens frame arrives.
const (
	FrameScreenStart = "screen.start"
	FrameScreenStop  = "screen.stop"
	FrameScreens     = "screens"
)

// Track sources: what a published track captures.
const (
	SourceCamera     = "camera"
	SourceScreen     = "screen"
	SourceMicrophone = "microphone"
)

// ScreenStreamSuffix ends the stream id of a shared screen.
const ScreenStreamSuffix = ":screen"

// ScreenStream is the stream id subscribers receive person's shared screen under.
func ScreenStream(person string) string { return person + ScreenStreamSuffix }

// ScreenView is one shared screen.
type ScreenView struct {
	Person string `json:"person"`
	Name   string `json:"name"`
	Stream string `json:"stream"` // the MediaStream id subscribers receive it under
}

// ScreenFields are the screen-sharing fields of Frame (embedded there).
type ScreenFields struct {
	// Screens is a pointer so "nobody shares" is still sent as an empty list.
	Screens *[]ScreenView `json:"screens,omitempty"`
}
