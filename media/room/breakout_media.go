package room

import (
	"fmt"
	"sort"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/wire"
	"github.com/onairhq/onair/store"
)

// Breakout groups have their own audio and video. While groups run, everyone connected is in
// one place: the main room ("") or a group, a visiting host in the group they visit. A
// published track reaches the people in its owner's place and no one else, so the main stage
// pauses for those in groups and goes on for everyone else; everyone in a group may speak in
// it (mayPublishLocked); and only the main room's tracks are written to the recording, whose
// replay is the main stage. A change of places changes who is subscribed to what (tracks
// added to or removed from PeerConnections, then renegotiated), never the packet path.

// placeLocked is where p is now: a breakout group id, or "" for the main room.
func (r *Room) placeLocked(p *Participant) string { return r.ev.breakouts.activeGroupOf(p.id) }

// hearsLocked is whether q receives t: someone else's track, from q's own place.
func (r *Room) hearsLocked(q *Participant, t *roomTrack) bool {
	return q != t.owner && q.receivesMedia() && r.placeLocked(q) == r.placeLocked(t.owner)
}

// inBreakoutLocked is whether p is in a running group (put there or visiting).
func (r *Room) inBreakoutLocked(p *Participant) bool { return r.placeLocked(p) != mainRoomBreakout }

// placesLocked is where everyone connected is, taken before a change to compare after it.
func (r *Room) placesLocked() map[*Participant]string {
	out := make(map[*Participant]string, len(r.people))
	for _, p := range r.people {
		out[p] = r.placeLocked(p)
	}
	return out
}

// placesChangedLocked applies a change of places: publishing rights (a participant may speak
// in a group, not back on the main stage unless on it), subscriptions, the recording, and
// tells each person where they are. It returns who needs a fresh offer.
func (r *Room) placesChangedLocked(before map[*Participant]string) []*Participant {
	var renegotiate []*Participant
	for _, p := range r.people {
		renegotiate = append(renegotiate, r.reconcileLocked(p)...)
	}
	for _, t := range r.tracks {
		if !t.published {
			continue
		}
		for _, q := range r.subscribersLocked() {
			_, has := t.senders[q]
			switch want := r.hearsLocked(q, t); {
			case want && !has:
				r.subscribeLocked(q, t)
				renegotiate = append(renegotiate, q)
			case !want && has:
				r.unsubscribeLocked(q, t)
				renegotiate = append(renegotiate, q)
			}
		}
	}
	r.recordMainStageLocked()
	for _, q := range r.people {
		switch now := r.placeLocked(q); {
		case now != mainRoomBreakout:
			q.sink.Send(roomFrame(wire.FrameBreakout, wire.RoomFields{Breakout: r.groupViewLocked(now)}))
		case before[q] != mainRoomBreakout:
			q.sink.Send(roomFrame(wire.FrameBreakout, wire.RoomFields{})) // back in the main room
		}
	}
	r.sendBreakoutListLocked()
	return renegotiate
}

// recordMainStageLocked keeps the recording to the main room: the tracks of people in groups
// stop being written (the file keeps its media time, so it resumes after a gap) and the
// others are written.
func (r *Room) recordMainStageLocked() {
	if r.rec.session == nil {
		return
	}
	for _, t := range r.tracks {
		switch {
		case !t.published:
		case r.inBreakoutLocked(t.owner):
			if tr := r.rec.tracks[t]; tr != nil {
				t.fwd.RemoveSink(tr)
			}
		default:
			r.recordTrackLocked(t)
		}
	}
}

// groupViewLocked is group as its members see it: its name and who is in it now, visitors
// marked; nil for the main room or a group that does not exist.
func (r *Room) groupViewLocked(group string) *wire.BreakoutView {
	v := r.ev.breakouts.viewOf(group)
	if v == nil {
		return nil
	}
	for _, q := range r.people {
		if r.placeLocked(q) == group {
			_, visiting := r.ev.breakouts.visiting[q.id]
			v.People = append(v.People, wire.BreakoutPerson{Person: q.id, Name: q.name, Role: string(q.role), Visiting: visiting})
		}
	}
	sort.Slice(v.People, func(i, j int) bool { return v.People[i].Person < v.People[j].Person })
	return v
}

// visitBreakout takes p into running group f.ID (they hear it and are heard in it) or, with
// an empty id, back to the main room.
func (r *Room) visitBreakout(p *Participant, f wire.Frame) error {
	var renegotiate []*Participant
	defer func() { negotiateAll(renegotiate) }() // deferred first, so it runs after the unlock
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.actLocked(p, authz.BreakoutCreateStart); err != nil {
		return err
	}
	b := &r.ev.breakouts
	if !b.started {
		return fmt.Errorf("%w: no breakout groups are running", ErrBadRequest)
	}
	if f.ID != mainRoomBreakout && b.viewOf(f.ID) == nil {
		return fmt.Errorf("breakout group %s: %w", quote(f.ID), ErrNotFound)
	}
	before := r.placesLocked()
	if f.ID == mainRoomBreakout {
		delete(b.visiting, p.id)
	} else {
		if b.visiting == nil {
			b.visiting = map[string]string{}
		}
		b.visiting[p.id] = f.ID
	}
	r.journalLocked(store.RoomEventBreakoutVisit, p.id, "", map[string]string{"group": f.ID})
	renegotiate = r.placesChangedLocked(before)
	r.log.Info("breakout visit", "person", p.id, "group", f.ID)
	return nil
}
