package room

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/wire"
	"github.com/onairhq/onair/store"
)

const (
	maxCTARunes     = 200
	maxURLBytes     = 2048
	peopleListDelay = 250 * time.Millisecond
)

// Reactions a person may send: a fixed set keeps the counts small and the page's buttons known.
var reactionKinds = map[string]bool{"like": true, "love": true, "clap": true, "laugh": true, "wow": true, "party": true}

func (r *Room) enableReactions(p *Participant, f wire.Frame) error {
	return r.setSwitch(p, f, authz.ReactionsEnable, &r.ev.reactionsOn,
		store.RoomEventReactionsEnabled, store.RoomEventReactionsDisabled, func() {
			r.broadcastLocked(roomFrame(wire.FrameReactions, wire.RoomFields{Reactions: r.reactionsViewLocked()}))
		})
}

// setSwitch flips one of the room's on/off switches (reactions, private questions, hidden
// participants tab): checks a, sets *sw, journals the change, then announce tells whom it
// concerns, all under the lock.
func (r *Room) setSwitch(p *Participant, f wire.Frame, a authz.Action, sw *bool, onKind, offKind string, announce func()) error {
	if f.Enabled == nil {
		return fmt.Errorf("%w: %s needs enabled", ErrBadRequest, f.Type)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.actLocked(p, a); err != nil {
		return err
	}
	*sw = *f.Enabled
	kind := offKind
	if *sw {
		kind = onKind
	}
	r.journalLocked(kind, p.id, "", nil)
	announce()
	return nil
}

func (r *Room) sendReaction(p *Participant, f wire.Frame) error {
	if !reactionKinds[f.Reaction] {
		return fmt.Errorf("%w: unknown reaction %s", ErrBadRequest, quote(f.Reaction))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.people[p.id] != p {
		return ErrNoSuchPerson
	}
	if !r.ev.reactionsOn {
		return ErrDisabled
	}
	if !r.allowWriteLocked(p) {
		return ErrRateLimited
	}
	r.ev.reactions[f.Reaction]++
	r.journalLocked(store.RoomEventReaction, p.id, "", map[string]string{"reaction": f.Reaction})
	r.broadcastLocked(roomFrame(wire.FrameReactions, wire.RoomFields{Reactions: r.reactionsViewLocked()}))
	return nil
}

func (r *Room) reactionsViewLocked() *wire.ReactionsView {
	counts := make(map[string]int, len(r.ev.reactions))
	for k, v := range r.ev.reactions {
		counts[k] = v
	}
	return &wire.ReactionsView{Enabled: r.ev.reactionsOn, Counts: counts}
}

func (r *Room) sendCTA(p *Participant, f wire.Frame) error {
	text, err := cleanText(f.Text, maxCTARunes, "call to action")
	if err != nil {
		return err
	}
	link, err := checkLink(f.URL)
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.actLocked(p, authz.CTASend); err != nil {
		return err
	}
	id := r.journalLocked(store.RoomEventCTA, p.id, "", map[string]string{"text": text, "url": link})
	r.ev.cta = &wire.CTAView{ID: id, Text: text, URL: link, By: p.id}
	r.broadcastLocked(roomFrame(wire.FrameCTA, wire.RoomFields{CTA: r.ev.cta}))
	return nil
}

// clickCTA journals that p opened the call to action on screen (f.ID names it), for the
// session's report and p's engagement score; nobody else is told. A click on one no longer
// shown is not found; clicks spend p's room writes like reactions do.
func (r *Room) clickCTA(p *Participant, f wire.Frame) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.people[p.id] != p {
		return ErrNoSuchPerson
	}
	if r.ev.cta == nil || f.ID != r.ev.cta.ID {
		return fmt.Errorf("call to action %s: %w", quote(f.ID), ErrNotFound)
	}
	if !r.allowWriteLocked(p) {
		return ErrRateLimited
	}
	r.journalLocked(store.RoomEventCTAClick, p.id, "", map[string]string{"cta": r.ev.cta.ID, "url": r.ev.cta.URL})
	return nil
}

// checkLink accepts absolute http(s) URLs only: the page opens them for everyone.
func checkLink(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || len(raw) > maxURLBytes || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("%w: url must be an absolute http(s) URL of at most %d bytes", ErrBadRequest, maxURLBytes)
	}
	return u.String(), nil
}

// block removes a participant and keeps them out: for the room's life in memory, beyond it
// in the store (a block room event, and the registrant's status when they are a registrant).
func (r *Room) block(p *Participant, f wire.Frame) error {
	return r.eject(p, f.Person, authz.ParticipantBlock, func() {
		r.ev.blocked[f.Person] = true
		r.journalLocked(store.RoomEventBlock, p.id, f.Person, nil)
		r.setRegistrantStatusLocked(f.Person, store.RegistrantBlocked)
	}, wire.CodeBlocked, "you were blocked from this session")
}

func (r *Room) unblock(p *Participant, f wire.Frame) error {
	if f.Person == "" {
		return fmt.Errorf("%w: participant.unblock needs person", ErrBadRequest)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.actLocked(p, authz.ParticipantBlock); err != nil {
		return err
	}
	delete(r.ev.blocked, f.Person)
	r.journalLocked(store.RoomEventUnblock, p.id, f.Person, nil)
	r.setRegistrantStatusLocked(f.Person, store.RegistrantApproved)
	return nil
}

// kick removes a participant, who may come back with a new join token.
func (r *Room) kick(p *Participant, f wire.Frame) error {
	return r.eject(p, f.Person, authz.ParticipantKick, func() {
		r.journalLocked(store.RoomEventKick, p.id, f.Person, nil)
	}, wire.CodeKicked, "you were removed from the session")
}

// eject disconnects the participant personID after actor is allowed a; record runs under the
// lock. Staff cannot be blocked or kicked: their access is managed in the workspace.
func (r *Room) eject(actor *Participant, personID string, a authz.Action, record func(), code, message string) error {
	r.mu.Lock()
	if err := r.actLocked(actor, a); err != nil {
		r.mu.Unlock()
		return err
	}
	target, ok := r.people[personID]
	if !ok {
		r.mu.Unlock()
		return fmt.Errorf("%s %s: %w", a, quote(personID), ErrNoSuchPerson)
	}
	if target.role != authz.SessionParticipant {
		r.mu.Unlock()
		return fmt.Errorf("%w: only participants can be blocked or kicked", ErrBadRequest)
	}
	record()
	delete(r.stageMoves, personID) // no stage waiting for them on their way back
	renegotiate := r.removeLocked(target)
	r.mu.Unlock()
	target.sink.Send(wire.Frame{Type: wire.FrameBye, Code: code, Message: message})
	target.sink.Close(code)
	target.closePeer()
	negotiateAll(renegotiate)
	r.log.Info("participant removed", "by", actor.id, "person", personID, "action", a)
	return nil
}

// setRegistrantStatusLocked mirrors a block on the registrant so the API (and a rejoin through
// it) sees it; speakers and staff are not registrants, which is fine.
func (r *Room) setRegistrantStatusLocked(personID, status string) {
	ws := r.ev.workspaceID
	r.persist("registrant "+status, func(ctx context.Context, db bun.IDB) error {
		_, err := store.SetRegistrantStatus(ctx, db, ws, personID, status, false)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		return err
	})
}

// hideParticipants hides or shows the participants tab; hosts decide (an event setting).
func (r *Room) hideParticipants(p *Participant, f wire.Frame) error {
	return r.setSwitch(p, f, authz.RoomEventSettings, &r.ev.hidePeople,
		store.RoomEventParticipantsHidden, store.RoomEventParticipantsShown,
		r.sendPeopleLocked) // at once: who may see the list changed
}

// mayListPeopleLocked is participants.read_hidden while the tab is hidden.
func (r *Room) mayListPeopleLocked(q *Participant) bool {
	return !r.ev.hidePeople || q.canLocked(authz.ParticipantsReadHidden) == nil
}

// peopleChangedLocked schedules the participants list for everyone allowed to see it. Joins
// and leaves come in bursts (a webinar's start): one list per peopleListDelay, not one per
// arrival, keeps a room of N people from costing N² frames.
func (r *Room) peopleChangedLocked() {
	if r.ev.peopleDue {
		return
	}
	r.ev.peopleDue = true
	time.AfterFunc(peopleListDelay, func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		if !r.closed {
			r.sendPeopleLocked()
		}
	})
}

// PeopleListDue is whether a participants list is scheduled and not sent yet.
func (r *Room) PeopleListDue() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.ev.peopleDue
}

// sendPeopleLocked sends the participants list now.
func (r *Room) sendPeopleLocked() {
	r.ev.peopleDue = false
	list := r.participantsLocked()
	r.sendToLocked(roomFrame(wire.FrameParticipants, wire.RoomFields{Participants: &list}), r.mayListPeopleLocked)
}
