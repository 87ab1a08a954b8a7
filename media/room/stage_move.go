package room

import (
	"context"
	"errors"
	"time"

	"github.com/onairhq/onair/media/wire"
	"github.com/onairhq/onair/store"
)

// Going on stage from an edge of a room spanning nodes (cascade.go). A person connected to an
// edge cannot publish there: tracks are published on the room's origin only. When they accept
// a stage invitation, the origin moves their seat to itself in the store (store.SeatOnOrigin:
// the API's next placement of their join sends them here), remembers for stageMoveTTL that
// they were accepted on stage, and tells them stage_moved through the edge, which then closes
// their connection. Their room page revisits their personal link at once and joins here, on
// stage from its joined frame on: no second invitation. When the seat cannot move (the room
// moved, the store failed), they are told stage_move_failed and stay where they are, off
// stage; the room goes on.

// stageMoveTTL bounds how long an accepted move waits for the person's join here; past it,
// they join as anyone and need a new invitation.
const stageMoveTTL = 2 * time.Minute

// errNoNodeID: a node that never registered has no seats to move (nor edges).
var errNoNodeID = errors.New("media: this node has no registration to seat anyone on")

// startStageMoveLocked takes remote p's accepted invitation as a move here, remembered until
// their join or stageMoveTTL; moveToOrigin then moves their seat.
func (r *Room) startStageMoveLocked(p *Participant) {
	p.invitedBy = ""
	now := r.ev.now()
	for id, until := range r.stageMoves {
		if now.After(until) {
			delete(r.stageMoves, id)
		}
	}
	r.stageMoves[p.id] = now.Add(stageMoveTTL)
}

// moveToOrigin seats remote p on this node in the store, then tells them to come here; failing,
// it tells them so and forgets the move. It runs off the room's lock and off the relay's
// reading, which a slow store must not hold up.
func (r *Room) moveToOrigin(p *Participant) {
	err := errNoNodeID
	if r.seatHere != nil {
		ctx, cancel := context.WithTimeout(context.Background(), joinReadTimeout)
		err = r.seatHere(ctx, p.id)
		cancel()
	}
	r.mu.Lock()
	if err == nil && r.closed {
		err = ErrRoomClosed
	}
	if err != nil {
		delete(r.stageMoves, p.id)
	}
	r.mu.Unlock()
	if err != nil {
		r.log.Warn("stage accepted on an edge: moving the seat to the origin failed", "person", p.id, "err", err)
		p.sink.Send(wire.Frame{Type: wire.FrameError, Code: wire.CodeStageMoveFailed,
			Message: "you could not be moved to the stage; you stay in the room as before"})
		return
	}
	r.log.Info("stage accepted on an edge: seat moved to the origin", "person", p.id)
	p.sink.Send(wire.Frame{Type: wire.FrameError, Code: wire.CodeStageMoved,
		Message: "the stage is on another media node of this room: join again through your personal link to go on stage"})
	p.sink.Close(wire.CodeStageMoved)
}

// takeStageMoveLocked puts p, joining here, on stage if they were moved here from an edge to
// go on stage (and not too long ago).
func (r *Room) takeStageMoveLocked(p *Participant) bool {
	until, ok := r.stageMoves[p.id]
	if !ok {
		return false
	}
	delete(r.stageMoves, p.id)
	if r.ev.now().After(until) {
		return false
	}
	p.onStage = true
	r.log.Info("on stage after moving from an edge", "person", p.id)
	return true
}

// seatHere moves personID's seat in the session's room to this node, the room's origin.
func (rs *Rooms) seatHere(ctx context.Context, sessionID, personID string) error {
	rs.mu.Lock()
	nodeID := rs.nodeID
	rs.mu.Unlock()
	if nodeID == "" {
		return errNoNodeID
	}
	return store.SeatOnOrigin(ctx, rs.db, sessionID, personID, nodeID)
}
