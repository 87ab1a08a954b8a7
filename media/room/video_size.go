package room

import (
	"fmt"

	"github.com/pion/webrtc/v4"

	"github.com/onairhq/onair/media/wire"
)

// maxVideoSide bounds a displayed size in video.size (an 8K screen is 7680 wide).
const maxVideoSide = 16384

// setVideoSize is video.size from p: p shows the video of stream f.Stream at f.Width×f.Height
// device pixels, so the forwarder sends p no better simulcast layer than that size needs. A
// stream p does not receive is no error: the page may report a tile the room just took away.
func (r *Room) setVideoSize(p *Participant, f wire.Frame) error {
	if f.Stream == "" || len(f.Stream) > maxTrackIDLen+len(wire.ScreenStreamSuffix) ||
		f.Width < 0 || f.Height < 0 || f.Width > maxVideoSide || f.Height > maxVideoSide {
		return fmt.Errorf("%w: video.size needs a stream and a width and height from 0 to %d", ErrBadRequest, maxVideoSide)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, t := range r.tracks {
		if t.fwd.Kind() != webrtc.RTPCodecTypeVideo || streamOf(t.owner, t.source) != f.Stream {
			continue
		}
		if sender := t.senders[p]; sender != nil {
			t.fwd.SetDisplaySize(sender, f.Width, f.Height)
		}
	}
	return nil
}
