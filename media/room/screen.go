package room

import (
	"fmt"

	"github.com/pion/webrtc/v4"

	"github.com/onairhq/onair/media/wire"
)

// Screen sharing (wire/screen.go): someone allowed on stage announces which track is their
// screen (screen.start) before sending it; the room forwards it under a stream of its own
// (wire.ScreenStream), so subscribers know its source and owner, and tells everyone who shares
// (screens). The stage rule decides as for a camera: a person who may not publish is refused
// the announcement, and a screen track they send anyway is refused like any other.

// maxTrackIDLen bounds a track id in screen.start (browsers use 36-character UUIDs).
const maxTrackIDLen = 128

// startScreen is screen.start from p: the track with id f.ID that p is about to send is a screen.
func (r *Room) startScreen(p *Participant, f wire.Frame) error {
	if f.ID == "" || len(f.ID) > maxTrackIDLen {
		return fmt.Errorf("%w: screen.start needs the id of the screen's track", ErrBadRequest)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := p.mayPublishLocked().Err(); err != nil {
		return err
	}
	p.screenTrack = f.ID
	r.log.Info("screen share announced", "person", p.id)
	return nil
}

// stopScreen is screen.stop from p: p's screen leaves everyone's page at once. The track is
// forgotten without waiting for the browser's renegotiation to end it, which Pion may not
// report while the PeerConnection lives.
func (r *Room) stopScreen(p *Participant, _ wire.Frame) error {
	r.mu.Lock()
	p.screenTrack = ""
	var screens []*roomTrack
	for _, t := range r.tracks {
		if t.owner == p && t.source == wire.SourceScreen {
			screens = append(screens, t)
		}
	}
	var renegotiate []*Participant
	for _, t := range screens {
		renegotiate = append(renegotiate, r.unpublishLocked(t)...)
		r.forgetTrackLocked(t)
	}
	r.mu.Unlock()
	if len(screens) > 0 {
		r.log.Info("screen share stopped", "person", p.id)
	}
	negotiateAll(renegotiate)
	return nil
}

// forgetTrackLocked drops t from the room's tracks (it is unpublished already).
func (r *Room) forgetTrackLocked(t *roomTrack) {
	for i, x := range r.tracks {
		if x == t {
			r.ended.addForwarder(t.fwd.Stats())
			r.tracks = append(r.tracks[:i], r.tracks[i+1:]...)
			return
		}
	}
}

// sourceOf is what remote, which p just started sending, captures: the screen p announced,
// their microphone, or their camera.
func (r *Room) sourceOf(p *Participant, remote *webrtc.TrackRemote) string {
	if remote.Kind() == webrtc.RTPCodecTypeAudio {
		return wire.SourceMicrophone
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if p.screenTrack != "" && remote.ID() == p.screenTrack {
		return wire.SourceScreen
	}
	return wire.SourceCamera
}

// streamOf is the stream id subscribers receive a track of p from this source under.
func streamOf(p *Participant, source string) string {
	if source == wire.SourceScreen {
		return wire.ScreenStream(p.id)
	}
	return p.id
}

// screensChangedLocked tells everyone who shares a screen after t was published or unpublished.
func (r *Room) screensChangedLocked(t *roomTrack) {
	if t.source == wire.SourceScreen {
		r.broadcastLocked(wire.Frame{Type: wire.FrameScreens, ScreenFields: r.screensLocked()})
	}
}

// screensLocked is every screen shared now, in the order they started.
func (r *Room) screensLocked() wire.ScreenFields {
	screens := []wire.ScreenView{}
	for _, t := range r.tracks {
		if t.source == wire.SourceScreen && t.published {
			screens = append(screens, wire.ScreenView{Person: t.owner.id, Name: t.owner.name, Stream: streamOf(t.owner, t.source)})
		}
	}
	return wire.ScreenFields{Screens: &screens}
}
