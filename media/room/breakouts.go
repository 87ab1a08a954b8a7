package room

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/wire"
	"github.com/onairhq/onair/store"
)

// Breakout groups (§4 breakout.create_start, hosts and moderators): create groups (the
// participants present are spread over them), move people, start (each person is told their
// group; chat, audio and video stay inside it: breakout_media.go), visit a running group, end
// (everyone back in the main room). Staff stay in the main room unless moved into a group or
// visiting one.

const (
	maxBreakouts     = 50
	maxBreakoutRunes = 100
	breakoutIDPrefix = "brk"
	mainRoomBreakout = ""
)

type breakouts struct {
	groups   []wire.BreakoutView // id and name; members are derived from groupOf
	groupOf  map[string]string   // person → group id
	visiting map[string]string   // staff person → the running group they visit (nil: nobody)
	started  bool
}

// activeGroupOf is the group person is in while breakouts run ("" the main room): the one
// they visit, else the one they were put in.
func (b *breakouts) activeGroupOf(person string) string {
	if !b.started {
		return mainRoomBreakout
	}
	if g, ok := b.visiting[person]; ok {
		return g
	}
	return b.groupOf[person]
}

func (b *breakouts) viewOf(group string) *wire.BreakoutView {
	for _, g := range b.groups {
		if g.ID == group {
			return &wire.BreakoutView{ID: g.ID, Name: g.Name}
		}
	}
	return nil
}

func (b *breakouts) list() []wire.BreakoutView {
	out := make([]wire.BreakoutView, len(b.groups))
	for i, g := range b.groups {
		out[i] = wire.BreakoutView{ID: g.ID, Name: g.Name, Members: []string{}}
		for person, id := range b.groupOf {
			if id == g.ID {
				out[i].Members = append(out[i].Members, person)
			}
		}
		sort.Strings(out[i].Members)
		for person, id := range b.visiting {
			if id == g.ID {
				out[i].Visitors = append(out[i].Visitors, person)
			}
		}
		sort.Strings(out[i].Visitors)
	}
	return out
}

// createBreakouts replaces the groups (not while running) and spreads the participants present.
func (r *Room) createBreakouts(p *Participant, f wire.Frame) error {
	if len(f.Names) == 0 || len(f.Names) > maxBreakouts {
		return fmt.Errorf("%w: breakout.create needs 1 to %d names", ErrBadRequest, maxBreakouts)
	}
	groups := make([]wire.BreakoutView, len(f.Names))
	for i, n := range f.Names {
		name, err := cleanText(n, maxBreakoutRunes, "breakout name")
		if err != nil {
			return err
		}
		groups[i] = wire.BreakoutView{ID: breakoutIDPrefix + strconv.Itoa(i+1), Name: name}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.actLocked(p, authz.BreakoutCreateStart); err != nil {
		return err
	}
	if r.ev.breakouts.started {
		return fmt.Errorf("%w: end the running breakouts first", ErrBadRequest)
	}
	var people []string
	for id, q := range r.people {
		if q.role == authz.SessionParticipant {
			people = append(people, id)
		}
	}
	sort.Strings(people)
	r.ev.breakouts = breakouts{groups: groups, groupOf: map[string]string{}}
	for i, id := range people {
		r.ev.breakouts.groupOf[id] = groups[i%len(groups)].ID
	}
	r.sendBreakoutListLocked()
	return nil
}

// moveToBreakout puts person in group id ("" the main room); while running they are told,
// and what they hear and who hears them follow.
func (r *Room) moveToBreakout(p *Participant, f wire.Frame) error {
	var renegotiate []*Participant
	defer func() { negotiateAll(renegotiate) }() // deferred first, so it runs after the unlock
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.actLocked(p, authz.BreakoutCreateStart); err != nil {
		return err
	}
	if f.ID != mainRoomBreakout && r.ev.breakouts.viewOf(f.ID) == nil {
		return fmt.Errorf("breakout group %s: %w", quote(f.ID), ErrNotFound)
	}
	target, ok := r.people[f.Person]
	if !ok {
		return fmt.Errorf("move %s: %w", quote(f.Person), ErrNoSuchPerson)
	}
	before := r.placesLocked()
	if f.ID == mainRoomBreakout {
		delete(r.ev.breakouts.groupOf, target.id)
	} else {
		r.ev.breakouts.groupOf[target.id] = f.ID
	}
	r.journalLocked(store.RoomEventBreakoutMove, p.id, target.id, map[string]string{"group": f.ID})
	if !r.ev.breakouts.started {
		r.sendBreakoutListLocked()
		return nil
	}
	renegotiate = r.placesChangedLocked(before)
	return nil
}

func (r *Room) startBreakouts(p *Participant, _ wire.Frame) error {
	return r.runBreakouts(p, true, store.RoomEventBreakoutStart)
}

func (r *Room) endBreakouts(p *Participant, _ wire.Frame) error {
	return r.runBreakouts(p, false, store.RoomEventBreakoutEnd)
}

// runBreakouts starts or ends the groups, telling each person where they are now; ending them
// brings the visitors back too, and everyone hears the main stage again.
func (r *Room) runBreakouts(p *Participant, start bool, kind string) error {
	var renegotiate []*Participant
	defer func() { negotiateAll(renegotiate) }() // deferred first, so it runs after the unlock
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.actLocked(p, authz.BreakoutCreateStart); err != nil {
		return err
	}
	b := &r.ev.breakouts
	if len(b.groups) == 0 || b.started == start {
		return fmt.Errorf("%w: breakouts are not in a state to %s", ErrBadRequest, kind)
	}
	before := r.placesLocked()
	b.started, b.visiting = start, nil
	data := map[string]string{}
	for person, group := range b.groupOf {
		data[person] = group
	}
	r.journalLocked(kind, p.id, "", data)
	renegotiate = r.placesChangedLocked(before)
	return nil
}

// sendBreakoutListLocked tells staff who is in which group.
func (r *Room) sendBreakoutListLocked() {
	f := roomFrame(wire.FrameBreakouts, wire.RoomFields{Breakouts: r.ev.breakouts.list(), Running: boolPtr(r.ev.breakouts.started)})
	r.sendToLocked(f, func(q *Participant) bool { return q.canLocked(authz.BreakoutCreateStart) == nil })
}
