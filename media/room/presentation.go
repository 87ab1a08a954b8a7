package room

import (
	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/wire"
	"github.com/onairhq/onair/store"
)

// Presentation control (§4 stage.control_media, stage.remove_presentation): one presentation
// at a time, slides or a video by URL, shown to everyone; starting another replaces it.

func (r *Room) startPresentation(p *Participant, f wire.Frame) error {
	link, err := checkLink(f.URL)
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.actLocked(p, authz.StageControlMedia); err != nil {
		return err
	}
	r.ev.showing = &wire.PresentationView{URL: link, Person: p.id}
	r.journalLocked(store.RoomEventPresentationStart, p.id, "", map[string]string{"url": link})
	r.broadcastLocked(roomFrame(wire.FramePresentation, wire.RoomFields{Presentation: r.ev.showing}))
	return nil
}

func (r *Room) stopPresentation(p *Participant, _ wire.Frame) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.actLocked(p, authz.StageRemovePresentation); err != nil {
		return err
	}
	r.ev.showing = nil
	r.journalLocked(store.RoomEventPresentationStop, p.id, "", nil)
	r.broadcastLocked(roomFrame(wire.FramePresentation, wire.RoomFields{}))
	return nil
}
