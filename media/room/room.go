// Package room is the room model of a media node: each live session's room with its
// participants (one PeerConnection each), the stage rule deciding who may publish (spec §4
// stage.join ³), what they say and show (chat, questions, polls, reactions, calls to action,
// moderation, presentation, breakout groups), live role changes, recording, and the room's
// recovery on a join after the node lost it, restored from the store its writer fills.
//
// Frames enter through one door: Rooms.Join admits a person, Room.Handle acts on each frame
// they send (frames.go holds the one dispatch table), Room.Leave ends their visit. It knows
// nothing of WebSockets or HTTP (media/signal, media/control); the packet path is media/sfu.
package room

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/jointoken"
	"github.com/onairhq/onair/media/recording"
	"github.com/onairhq/onair/media/wire"
)

type roomParams struct {
	SessionID string
	Network   Network
	Logger    *slog.Logger
	DB        bun.IDB
	Now       func() time.Time
	// Recordings is where recordings go; nil: this node does not record.
	Recordings *recording.Store
	Control    SessionControl                        // hosts' go-live and end (host.go); nil: refused
	DeckPages  func(sessionID, deckID string) string // RoomsParams.DeckPages
	// SeatHere moves a person's seat in the room to this node, its origin (stage_move.go).
	SeatHere func(ctx context.Context, personID string) error
}

// Room is one session's live room: its participants and the tracks they publish. r.mu guards
// membership, roles, stage state and subscriptions; it is never held while waiting on a
// participant's negotiation lock the other way round (room.mu → negotiation, never reverse).
type Room struct {
	sessionID  string
	network    Network
	log        *slog.Logger
	recordings *recording.Store
	control    SessionControl
	deckPages  func(sessionID, deckID string) string
	seatHere   func(ctx context.Context, personID string) error

	mu     sync.Mutex
	live   bool // the session started; before, only roles allowed room.enter_early get in
	closed bool
	people map[string]*Participant
	tracks []*roomTrack
	// relays are the edge nodes' PeerConnections by node id, when the room spans nodes and
	// this node is its origin (cascade.go).
	relays map[string]*Participant
	// edge is the relay to the room's origin when this node is an edge of it (edge.go);
	// nil on the origin.
	edge *edgeLink
	ev   roomEvents    // chat, questions, polls, moderation, attendance: events.go
	rec  roomRecording // see recording.go
	// ended adds up the media of people who left and tracks that ended (stats.go).
	ended MediaTotals
	// stageMoves are the people of an edge accepted on stage, by person id, until when their
	// join here puts them on stage at once (stage_move.go).
	stageMoves map[string]time.Time
}

func newRoom(p roomParams) *Room {
	log := p.Logger.With("session", p.SessionID)
	return &Room{
		sessionID: p.SessionID, network: p.Network, log: log, recordings: p.Recordings, control: p.Control, deckPages: p.DeckPages,
		seatHere: p.SeatHere, people: map[string]*Participant{}, relays: map[string]*Participant{}, stageMoves: map[string]time.Time{},
		ev: newRoomEvents(p.Now, newRoomWriter(p.DB, log)),
	}
}

// SessionID is the session this room belongs to.
func (r *Room) SessionID() string { return r.sessionID }

// setLive opens the room to everyone and tells those already inside (staff in the green room),
// once: opening a live room again changes nothing. It reports whether this call made it live.
func (r *Room) setLive() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.live {
		return false
	}
	r.live = true
	r.broadcastLocked(wire.Frame{Type: wire.FrameLive, Live: boolPtr(true)})
	r.log.Info("room live", "waiting", len(r.people))
	return true
}

// Live is whether the session started (otherwise the room is a green room for staff).
func (r *Room) Live() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.live
}

// Participants lists who is in the room, by person id.
func (r *Room) Participants() []wire.ParticipantInfo {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.participantsLocked()
}

// Size is how many people are connected to the room on this node (those on its edges are
// counted by theirs): the node's load.
func (r *Room) Size() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, p := range r.people {
		if p.kind != kindRemote {
			n++
		}
	}
	return n
}

func (r *Room) participantsLocked() []wire.ParticipantInfo {
	out := make([]wire.ParticipantInfo, 0, len(r.people))
	for _, p := range r.people {
		info := wire.ParticipantInfo{PersonID: p.id, Name: p.name, Role: string(p.role), OnStage: p.contextLocked().OnStage}
		for _, t := range r.tracks {
			if t.owner == p && t.published {
				info.Publishing++
			}
		}
		out = append(out, info)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].PersonID < out[j].PersonID })
	return out
}

// join admits the person the claims name, replacing an older connection of theirs, sends
// them the joined frame with the room as they may see it, and subscribes them to everything
// being published where they are (the main room, or their running breakout group).
func (r *Room) join(c jointoken.Claims, sink Sink, kind participantKind) (*Participant, error) {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil, ErrRoomClosed
	}
	if err := r.admitLocked(c); err != nil {
		r.mu.Unlock()
		return nil, err
	}
	var renegotiate []*Participant
	old := r.people[c.PersonID]
	if old != nil {
		renegotiate = r.removeLocked(old)
	}
	p, err := newParticipant(participantParams{Room: r, Claims: c, Sink: sink, Kind: kind})
	if err != nil {
		r.mu.Unlock()
		return nil, err
	}
	var ice []wire.ICEServer
	if kind == kindLocal {
		ice = r.network.iceServersFor(c.PersonID) // an edge gives its own
	}
	r.people[p.id] = p
	r.startVisitLocked(p, c.WorkspaceID)
	movedOnStage := kind == kindLocal && r.takeStageMoveLocked(p)
	sink.Send(wire.Frame{Type: wire.FrameJoined, Session: c.SessionID, Person: c.PersonID, Name: c.Name,
		Role: string(c.Role), Live: boolPtr(r.live), Recording: r.recordingStateLocked(), RoomFields: r.snapshotLocked(p),
		ScreenFields: r.screensLocked(), ICEServers: ice})
	if movedOnStage {
		r.broadcastLocked(wire.Frame{Type: wire.FrameStage, Person: p.id, Name: p.name, OnStage: boolPtr(true)})
	}
	r.peopleChangedLocked()
	if p.canLocked(authz.ParticipantKick) == nil && len(r.qualitiesLocked()) > 0 {
		r.qualityChangedLocked() // a host arriving sees everyone's quality
	}
	subscribed := r.subscribeNewcomerLocked(p)
	r.mu.Unlock()
	if old != nil {
		old.sink.Send(wire.Frame{Type: wire.FrameBye, Message: "replaced by a newer connection"})
		old.sink.Close("replaced")
		old.closePeer()
	}
	if subscribed {
		p.negotiate()
	}
	negotiateAll(renegotiate)
	r.log.Info("participant joined", "person", c.PersonID, "role", c.Role)
	return p, nil
}

// Leave removes p (their connection ended); idempotent.
func (r *Room) Leave(p *Participant) {
	if r.edge != nil && p.kind == kindLocal {
		r.leaveEdge(p)
		return
	}
	r.mu.Lock()
	renegotiate := r.removeLocked(p)
	r.mu.Unlock()
	p.closePeer()
	negotiateAll(renegotiate)
}

func (r *Room) removeLocked(p *Participant) []*Participant {
	if r.people[p.id] != p {
		return nil
	}
	delete(r.people, p.id)
	if p.downlink != nil { // a person of an edge has none here
		r.ended.addDownlink(p.downlink.Stats())
	}
	r.endVisitLocked(p)
	r.peopleChangedLocked()
	var renegotiate []*Participant
	kept := r.tracks[:0]
	for _, t := range r.tracks {
		delete(t.senders, p) // p's PeerConnection is closing; no RemoveTrack needed
		if t.owner == p {
			renegotiate = append(renegotiate, r.unpublishLocked(t)...)
			r.ended.addForwarder(t.fwd.Stats())
			continue
		}
		kept = append(kept, t)
	}
	r.tracks = kept
	r.log.Info("participant left", "person", p.id)
	return renegotiate
}

// close ends the room; ended says the session is over (a bye room_closed), otherwise the
// node is shutting down and connections just close, which room pages answer by reconnecting.
func (r *Room) close(ended bool) {
	r.mu.Lock()
	if r.closed { // an edge room closes when its relay ends, which its close also ends
		r.mu.Unlock()
		return
	}
	r.closed = true
	people := make([]*Participant, 0, len(r.people))
	for _, p := range r.people {
		people = append(people, p)
		r.endVisitLocked(p)
	}
	relays := make([]*Participant, 0, len(r.relays))
	for _, p := range r.relays {
		relays = append(relays, p)
	}
	r.people, r.tracks, r.relays = map[string]*Participant{}, nil, map[string]*Participant{}
	rec := r.detachRecordingLocked()
	r.mu.Unlock()
	if rec.session != nil {
		if _, err := rec.session.Stop(); err != nil {
			r.log.Error("stop recording on close", "err", err)
		}
	}
	r.ev.store.stop() // the room's events are in the store before Close returns
	for _, p := range people {
		if ended {
			p.sink.Send(wire.Frame{Type: wire.FrameBye, Code: wire.CodeRoomClosed, Message: "the room closed"})
			p.sink.Close("room closed")
		} else {
			p.sink.Close("media node shutting down")
		}
		p.closePeer()
	}
	for _, p := range relays { // after the frames to the edges' people, which they carry
		p.sink.Close("room closed")
		p.closePeer()
	}
	r.closeEdge()
	r.log.Info("room closed", "session_ended", ended)
}

func (r *Room) broadcastLocked(f wire.Frame) {
	for _, q := range r.people {
		q.sink.Send(f)
	}
}

// negotiateAll sends a fresh offer to each participant once.
func negotiateAll(ps []*Participant) {
	seen := map[*Participant]bool{}
	for _, p := range ps {
		if !seen[p] {
			seen[p] = true
			p.negotiate()
		}
	}
}

func (r *Room) String() string { return fmt.Sprintf("room %s", r.sessionID) }
