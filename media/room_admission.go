package media

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
