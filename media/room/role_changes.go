package room

import (
	"fmt"
	"time"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/jointoken"
)

// A live role change (the control API, after a staff or membership write) must also hold for
// a join token issued before it and presented after it: a speaker removed from the session
// must not come back on stage with the token fetched a minute earlier. The node remembers each
// change for as long as a token issued before it can still be valid (jointoken.TTL) and applies
// it to such tokens at join; a token issued after the change carries the new role itself.

// roleChange is the session role set for one person of one session, and when (wall clock:
// compared with a token's issue time, not the room clock).
type roleChange struct {
	role authz.SessionRole
	at   time.Time
}

// personKey names one person in one session; an empty session means every session (a change
// made with SetPersonRole).
type personKey struct{ session, person string }

// SetRole changes personID's session role in sessionID: at once if they are connected, and for
// their next join with a token issued before now. ErrRoomNotFound or ErrNoSuchPerson say the
// change found nobody connected; it is remembered all the same.
func (rs *Rooms) SetRole(sessionID, personID string, role authz.SessionRole) error {
	rs.mu.Lock()
	rs.rememberRoleLocked(personKey{sessionID, personID}, role)
	r, ok := rs.rooms[sessionID]
	rs.mu.Unlock()
	if !ok {
		return fmt.Errorf("set role in %s: %w", sessionID, ErrRoomNotFound)
	}
	return r.setRole(personID, role)
}

// SetPersonRole changes personID's session role in every room of the node, and for their next
// join to any session with a token issued before now. A team member removed from the workspace
// thus keeps no staff power anywhere, also in a session whose room opens after the removal.
func (rs *Rooms) SetPersonRole(personID string, role authz.SessionRole) {
	rs.mu.Lock()
	rs.rememberRoleLocked(personKey{"", personID}, role)
	rooms := make([]*Room, 0, len(rs.rooms))
	for _, r := range rs.rooms {
		rooms = append(rooms, r)
	}
	rs.mu.Unlock()
	for _, r := range rooms {
		_ = r.setRole(personID, role) // ErrNoSuchPerson: not in that room
	}
}

func (rs *Rooms) rememberRoleLocked(k personKey, role authz.SessionRole) {
	now := time.Now()
	for old, c := range rs.roleChanges {
		if now.Sub(c.at) > jointoken.TTL {
			delete(rs.roleChanges, old)
		}
	}
	rs.roleChanges[k] = roleChange{role: role, at: now}
}

// currentRole is the claims with the role the latest change gave their person, in their
// session or in every session, if the token was issued before that change (within the second:
// a token signed in the same second as the change may predate it, and one signed after it
// carries the same role anyway).
func (rs *Rooms) currentRole(c jointoken.Claims) jointoken.Claims {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	var latest *roleChange
	for _, k := range []personKey{{c.SessionID, c.PersonID}, {"", c.PersonID}} {
		ch, ok := rs.roleChanges[k]
		if ok && time.Since(ch.at) <= jointoken.TTL && !c.Issued().After(ch.at.Truncate(time.Second)) &&
			(latest == nil || ch.at.After(latest.at)) {
			latest = &ch
		}
	}
	if latest != nil {
		c.Role = latest.role
	}
	return c
}
