package room

import (
	"context"
	"errors"
	"fmt"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/jointoken"
	"github.com/onairhq/onair/media/wire"
	"github.com/onairhq/onair/store"
)

// A room spanning nodes (issue 19 item 3). The API places a room's participants on its node,
// the origin, up to a share, then on edge nodes (store.PlaceJoin). An edge opens the relay
// WebSocket to the origin (wire.Relay; media/signal carries it both ways): one server-to-server
// PeerConnection on which the origin sends each track published in its main room once, as to
// any subscriber, and the room events of the edge's people.
//
// The origin keeps the one room: an edge's person is a kindRemote participant there, so
// permissions, rate limits, chat, questions, polls, reactions, stage and role changes,
// attendance and the live-attendee cap count and reach everyone in the order the origin's
// lock gives them; their frames are relayed to the origin, and what the origin sends them is
// relayed back (edge.go). On the edge, a relayed track is published to everyone connected
// there through the edge's own forwarders, under the publisher's stream and track ids, and the
// edge's subscribers' keyframe requests go back on the relay, whose NACKs the origin answers
// from its history like any subscriber's.
//
// What an edge does not do: its people cannot publish there (staff always join the origin,
// and tracks sent to an edge are refused), and breakout groups' media stays on the origin. A
// participant of an edge who accepts a stage invitation is moved to the origin instead
// (stage_move.go): the origin seats them on itself in the store, remembers for a couple of
// minutes that they were accepted, and tells them stage_moved through the edge, which closes
// their connection; their page revisits their personal link, the API places them on the
// origin, and they join there on stage. A move the store refuses is told (stage_move_failed)
// and changes nothing. A participant of an edge made host, moderator or speaker live is moved
// the same way, without the stage their role gives them (setRole).

// RefusedError is the origin's refusal of an edge's relay or of a join relayed through it: the
// error frame's code and message, passed on to the person as the origin said them.
type RefusedError struct{ Code, Message string }

func (e *RefusedError) Error() string { return e.Message }

// ErrOriginUnreachable: an edge could not reach the room's origin node (it died, or the room
// moved); the person's page reconnects and, after a few tries, asks the API again.
var ErrOriginUnreachable = errors.New("media: the room's origin node is unreachable")

// OriginLink is an edge room's relay to its origin node, dialed by media/signal.
type OriginLink interface {
	// Send queues m for the origin; false when the link is closing.
	Send(m wire.Relay) bool
	// Run hands what the origin sends to in until the link ends, and says why.
	Run(in func(wire.Relay)) error
	Close()
}

// OriginDial is what an edge dials its origin with.
type OriginDial struct {
	URL, SessionID, WorkspaceID string
	// NodeID is the edge's own id, which the origin knows its relay by.
	NodeID string
}

// DialOrigin opens the relay to a room's origin; an error wrapping *RefusedError when the
// origin refused it.
type DialOrigin func(ctx context.Context, d OriginDial) (OriginLink, error)

// subscribersLocked is everyone who may receive a track here: the people and the edges' relays.
func (r *Room) subscribersLocked() []*Participant {
	out := make([]*Participant, 0, len(r.people)+len(r.relays))
	for _, p := range r.people {
		out = append(out, p)
	}
	for _, p := range r.relays {
		out = append(out, p)
	}
	return out
}

// RelayRoom is the live room an edge's relay (claims verified) asks for: open here as any
// participant's join would open it.
func (rs *Rooms) RelayRoom(ctx context.Context, c jointoken.RelayClaims) (*Room, error) {
	r, err := rs.roomFor(ctx, jointoken.Claims{SessionID: c.SessionID, WorkspaceID: c.WorkspaceID, PersonID: "relay:" + c.NodeID,
		Role: authz.SessionParticipant})
	if err != nil {
		return nil, err
	}
	if r.edge != nil {
		return nil, fmt.Errorf("%w: this node is an edge of the room, not its origin", ErrRoomNotLive)
	}
	return r, nil
}

// AddRelay subscribes the edge node nodeID's relay to every track published in the main room;
// its negotiation goes through sink. A relay of the same node replaces the older one.
func (r *Room) AddRelay(nodeID string, sink Sink) (*Participant, error) {
	p, err := newParticipant(participantParams{Room: r, Claims: jointoken.Claims{PersonID: "relay:" + nodeID, Name: nodeID},
		Sink: sink, Kind: kindRelayOut})
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		p.closePeer()
		return nil, ErrRoomClosed
	}
	old := r.relays[nodeID]
	if old != nil {
		r.dropRelayLocked(old)
	}
	r.relays[nodeID] = p
	subscribed := r.subscribeNewcomerLocked(p)
	r.mu.Unlock()
	if old != nil {
		old.sink.Close("replaced by a newer relay")
		old.closePeer()
	}
	if subscribed {
		p.negotiate()
	}
	r.log.Info("edge relay admitted", "edge", nodeID)
	return p, nil
}

// RemoveRelay ends an edge's relay (its WebSocket ended); the edge's people leave on their own.
func (r *Room) RemoveRelay(p *Participant) {
	r.mu.Lock()
	r.dropRelayLocked(p)
	r.mu.Unlock()
	p.closePeer()
}

func (r *Room) dropRelayLocked(p *Participant) {
	if r.relays[p.name] == p {
		delete(r.relays, p.name)
	}
	for _, t := range r.tracks {
		delete(t.senders, p) // its PeerConnection is closing: no RemoveTrack needed
	}
}

// HandleRelay acts on a frame of an edge's relay connection: the negotiation of its
// PeerConnection, nothing else.
func (r *Room) HandleRelay(p *Participant, f wire.Frame) error {
	if p.kind != kindRelayOut && p.kind != kindRelayIn {
		return fmt.Errorf("%w: not a relay", ErrBadRequest)
	}
	switch f.Type {
	case wire.FrameOffer:
		return p.handleOffer(f.SDP)
	case wire.FrameAnswer:
		return p.handleAnswer(f.SDP)
	case wire.FrameCandidate:
		return p.handleCandidate(f.Candidate)
	}
	return fmt.Errorf("%w %s on a relay", ErrUnknownFrame, quote(f.Type))
}

// originOf is the origin node's control URL when this node is an edge of the session's room,
// "" when it is the room's node (or has no say: no node id, no relay, no placement).
func (rs *Rooms) originOf(ctx context.Context, sessionID string) (string, error) {
	rs.mu.Lock()
	nodeID, dial := rs.nodeID, rs.dialOrigin
	r, ok := rs.rooms[sessionID]
	rs.mu.Unlock()
	if nodeID == "" || dial == nil {
		return "", nil
	}
	if ok && r.edge != nil {
		return r.edge.originURL, nil
	}
	if ok && r.Live() {
		return "", nil // the room lives here
	}
	ctx, cancel := context.WithTimeout(ctx, joinReadTimeout)
	defer cancel()
	p, err := store.RoomPlacementOf(ctx, rs.db, sessionID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return "", nil
	case err != nil:
		rs.log.Warn("placement lookup at join failed: serving the room here", "session", sessionID, "err", err)
		return "", nil
	case p.NodeID == nodeID:
		return "", nil
	case p.Node == nil:
		return "", fmt.Errorf("%w: its node %s left", ErrOriginUnreachable, p.NodeID)
	}
	return p.Node.ControlURL, nil
}

// SetNode names this node (its registration's id) and how it dials a room's origin when it is
// an edge of that room; until then it serves every room it is asked for by itself.
func (rs *Rooms) SetNode(nodeID string, dial DialOrigin) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.nodeID, rs.dialOrigin = nodeID, dial
}
