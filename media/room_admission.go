package media

import (
	"context"
	"fmt"
	"time"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/jointoken"
	"github.com/onairhq/onair/store"
)

// blockCheckTimeout bounds the store read at join; past it the person is let in (the room's
// own memory of blocks still holds), so a slow database never locks a whole audience out.
const blockCheckTimeout = 3 * time.Second

// admitLocked turns away blocked participants and participants beyond the plan's live-attendee
// cap (claims.MaxAttendees, issue 6 item 9). Staff are never counted nor refused: a full room
// must still let its host in. A reconnecting participant replaces their own seat.
func (r *Room) admitLocked(c jointoken.Claims) error {
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
	ctx, cancel := context.WithTimeout(ctx, blockCheckTimeout)
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
