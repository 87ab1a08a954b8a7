package wire

// The size a subscriber shows a video at, so the media node sends it no better simulcast layer
// than that needs (a small tile needs no 720p).
//
//	video.size {stream, kind?, width, height}  client → server: the video of this stream (a
//	                                           person id, or ScreenStream(person)) is shown
//	                                           width×height device pixels (0×0: hidden); sent
//	                                           when it changes (the page's ResizeObserver)
const FrameVideoSize = "video.size"

// VideoSizeFields are the video.size fields of Frame (embedded there).
type VideoSizeFields struct {
	Stream string `json:"stream,omitempty"`
	Width  int    `json:"width,omitempty"`
	Height int    `json:"height,omitempty"`
}
