package room

import (
	"context"
	"fmt"
	"time"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/jointoken"
	"github.com/onairhq/onair/store"
)

// joinReadTimeout bounds each store read at join (blocks, the session's status); past it the
// join goes on with what the node knows (the room's own memory of blocks, its live rooms), so
// a slow database never locks a whole audience out.
const joinReadTimeout = 3 * time.Second

// Join admits the person the verified claims name to their session's room and returns the
// room and the participant they are in it. The room is the one live on this node, else what
// the store says the session has (recovery.go: a live room reopened here, restored and
// recording if the event auto-records; a green room for staff before the start). The role is
// the latest live role change's if the token predates it (role_changes.go); blocked people and
// participants past the plan's cap are refused. The participant's frames then go to Room.Handle,
// and Room.Leave ends their visit when their connection does.
//
// On an edge of a room spanning nodes (cascade.go), the room's origin decides all that: Join
// relays the person's join to it.
func (rs *Rooms) Join(ctx context.Context, c jointoken.Claims, sink Sink) (*Room, *Participant, error) {
	if rs.fenced.Load() {
		return nil, nil, ErrNodeFenced
	}
	origin, err := rs.originOf(ctx, c.SessionID)
	if err != nil {
		return nil, nil, err
	}
	if origin != "" {
		return rs.joinEdge(ctx, c, sink, origin)
	}
	return rs.join(ctx, c, sink, kindLocal)
}

// JoinRemote admits, on the room's origin, a person connected to an edge node: in the room
// for its events, its attendance and its cap like anyone, their frames reaching them through
// sink (the edge's relay), their media carried by the edge.
func (rs *Rooms) JoinRemote(ctx context.Context, c jointoken.Claims, sink Sink) (*Room, *Participant, error) {
	if rs.fenced.Load() {
		return nil, nil, ErrNodeFenced
	}
	return rs.join(ctx, c, sink, kindRemote)
}

func (rs *Rooms) join(ctx context.Context, c jointoken.Claims, sink Sink, kind participantKind) (*Room, *Participant, error) {
	c = rs.currentRole(c)
	// The room first: a participant waiting for the start costs one store read per try.
	r, err := rs.roomFor(ctx, c)
	if err == nil {
		err = rs.refuseBlocked(ctx, c)
	}
	var p *Participant
	if err == nil {
		p, err = r.join(c, sink, kind)
	}
	if err != nil {
		return nil, nil, err
	}
	return r, p, nil
}

// admitLocked turns away tokens naming another workspace than the room's (whatever the role),
// then blocked participants and participants beyond the plan's live-attendee cap
// (claims.MaxAttendees, issue 6 item 9). Staff are never counted nor blocked: a full room must
// still let its host in. A reconnecting participant replaces their own seat.
func (r *Room) admitLocked(c jointoken.Claims) error {
	if r.ev.workspaceID != "" && c.WorkspaceID != r.ev.workspaceID {
		return ErrWrongWorkspace
	}
	if c.Role != authz.SessionParticipant {
		return nil
	}
	if r.ev.blocked[c.PersonID] {
		return ErrBlocked
	}
	if c.MaxAttendees <= 0 {
		return nil
	}
	seated := 0
	for id, q := range r.people {
		if q.role == authz.SessionParticipant && id != c.PersonID {
			seated++
		}
	}
	if seated >= c.MaxAttendees {
		return fmt.Errorf("%w (%d live attendees)", ErrRoomFull, c.MaxAttendees)
	}
	return nil
}

// refuseBlocked reads the store for a block of this participant in an earlier life of the
// room (a node restart, a room closed and reopened).
func (rs *Rooms) refuseBlocked(ctx context.Context, c jointoken.Claims) error {
	if c.Role != authz.SessionParticipant {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, joinReadTimeout)
	defer cancel()
	blocked, err := store.BlockedInRoom(ctx, rs.db, c.SessionID, c.PersonID)
	if err != nil {
		rs.log.Warn("block check failed: letting the participant in", "session", c.SessionID, "person", c.PersonID, "err", err)
		return nil
	}
	if blocked {
		return ErrBlocked
	}
	return nil
}
