package media

import (
	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/wire"
	"github.com/onairhq/onair/store"
)

// Presentation control (§4 stage.control_media, stage.remove_presentation): one presentation
// at a time, slides or a video by URL, shown to everyone; starting another replaces it.

func init() {
	handleRoomFrames(map[string]roomHandler{
		wire.FramePresentationStart: (*Room).startPresentation,
		wire.FramePresentationStop:  (*Room).stopPresentation,
	})
}

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

// stageFollowsTracksLocked keeps the on-stage state of people who may publish at will (hosts,
// moderators, speakers) in step with their tracks: publishing puts them on stage, their last
// track ending takes them off. It decides question.answer_live for speakers (§4 footnote ⁴).
// It is kept apart from Participant.onStage, which is the invitation-based stage of footnote ³,
// so a speaker made participant mid-session does not keep publishing on the strength of it.
func (r *Room) stageFollowsTracksLocked(owner *Participant) {
	if r.people[owner.id] != owner {
		delete(r.ev.publishing, owner)
		return
	}
	publishing := false
	for _, t := range r.tracks {
		if t.owner == owner && t.published {
			publishing = true
		}
	}
	was := owner.contextLocked().OnStage
	if publishing {
		r.ev.publishing[owner] = true
	} else {
		delete(r.ev.publishing, owner)
	}
	if now := owner.contextLocked().OnStage; now != was {
		r.broadcastLocked(wire.Frame{Type: wire.FrameStage, Person: owner.id, Name: owner.name, OnStage: boolPtr(now)})
		r.peopleChangedLocked()
	}
}

// onStageByTracksLocked is whether p is on stage because they publish at will.
func (r *Room) onStageByTracksLocked(p *Participant) bool {
	return p.role != authz.SessionParticipant && r.ev.publishing[p]
}
