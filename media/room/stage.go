package room

import (
	"fmt"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/wire"
)

// The stage rule (spec §4 stage.join, footnote ³): hosts, moderators and speakers publish at
// will; a participant publishes only after accepting a stage invite, until removed or gone.
// Every change is applied to live connections at once: forwarding starts or stops without
// the person reconnecting.

// inviteToStage records actor's invitation of f.Person and tells them.
func (r *Room) inviteToStage(actor *Participant, f wire.Frame) error {
	personID := f.Person
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := actor.canLocked(authz.StageInvite); err != nil {
		return err
	}
	target, ok := r.people[personID]
	if !ok {
		return fmt.Errorf("invite %s on stage: %w", personID, ErrNoSuchPerson)
	}
	target.invitedBy = actor.id
	target.sink.Send(wire.Frame{Type: wire.FrameStageInvited, Person: actor.id, Name: actor.name})
	r.log.Info("stage invite", "by", actor.id, "person", personID)
	return nil
}

// acceptStage puts p on stage after an invitation; p's tracks are forwarded from now on. A
// person on an edge of the room is moved here first (stage_move.go).
func (r *Room) acceptStage(p *Participant, _ wire.Frame) error {
	r.mu.Lock()
	if p.invitedBy == "" {
		r.mu.Unlock()
		return ErrNoStageInvite
	}
	if p.kind == kindRemote {
		r.startStageMoveLocked(p)
		r.mu.Unlock()
		go r.moveToOrigin(p)
		return nil
	}
	p.invitedBy, p.onStage = "", true
	renegotiate := r.reconcileLocked(p)
	r.broadcastLocked(wire.Frame{Type: wire.FrameStage, Person: p.id, Name: p.name, OnStage: boolPtr(true)})
	r.mu.Unlock()
	r.log.Info("stage accepted", "person", p.id)
	negotiateAll(renegotiate)
	return nil
}

// declineStage drops p's pending invitation and tells the inviter, if still in the room.
func (r *Room) declineStage(p *Participant, _ wire.Frame) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if p.invitedBy == "" {
		return ErrNoStageInvite
	}
	inviter := p.invitedBy
	p.invitedBy = ""
	if q, ok := r.people[inviter]; ok {
		q.sink.Send(wire.Frame{Type: wire.FrameStageDeclined, Person: p.id, Name: p.name})
	}
	r.log.Info("stage declined", "person", p.id, "inviter", inviter)
	return nil
}

// removeFromStage takes f.Person off stage (and cancels a pending invite). A participant's
// tracks stop being forwarded at once; staff keep their stage.join right and may publish again.
func (r *Room) removeFromStage(actor *Participant, f wire.Frame) error {
	personID := f.Person
	r.mu.Lock()
	if err := actor.canLocked(authz.StageRemove); err != nil {
		r.mu.Unlock()
		return err
	}
	target, ok := r.people[personID]
	if !ok {
		r.mu.Unlock()
		return fmt.Errorf("remove %s from stage: %w", personID, ErrNoSuchPerson)
	}
	target.invitedBy, target.onStage = "", false
	delete(r.stageMoves, personID) // accepted on an edge, on their way here
	renegotiate := r.reconcileLocked(target)
	r.broadcastLocked(wire.Frame{Type: wire.FrameStage, Person: target.id, Name: target.name, OnStage: boolPtr(false)})
	r.mu.Unlock()
	r.log.Info("stage removed", "by", actor.id, "person", personID)
	negotiateAll(renegotiate)
	return nil
}

// setRole changes personID's session role live (Rooms.SetRole): publishing rights follow at
// once, and the room sees the new role in its participants list.
func (r *Room) setRole(personID string, role authz.SessionRole) error {
	r.mu.Lock()
	target, ok := r.people[personID]
	if !ok {
		r.mu.Unlock()
		return fmt.Errorf("set role of %s: %w", personID, ErrNoSuchPerson)
	}
	was := target.contextLocked().OnStage
	target.role = role
	// The role alone can take someone off stage (a speaker publishing at will made participant);
	// what reconcileLocked then changes, stageFollowsTracksLocked announces itself.
	if now := target.contextLocked().OnStage; now != was {
		r.broadcastLocked(wire.Frame{Type: wire.FrameStage, Person: target.id, Name: target.name, OnStage: boolPtr(now)})
	}
	renegotiate := r.reconcileLocked(target)
	target.sink.Send(wire.Frame{Type: wire.FrameRole, Person: target.id, Role: string(role)})
	r.peopleChangedLocked()
	// A person on an edge of the room made host, moderator or speaker publishes at will, which
	// only the origin can carry: they are moved here, as after a stage invitation, but without
	// its stage, which their role gives them (stage_move.go).
	move := target.kind == kindRemote && target.mayPublishLocked().Allowed
	r.mu.Unlock()
	r.log.Info("role changed", "person", personID, "role", role)
	negotiateAll(renegotiate)
	if move {
		go r.moveToOrigin(target)
	}
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
