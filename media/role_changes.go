package media

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

type personKey struct{ session, person string }

// SetRole changes personID's session role in sessionID: at once if they are connected, and for
// their next join with a token issued before now. ErrRoomNotFound or ErrNoSuchPerson say the
// change found nobody connected; it is remembered all the same.
func (rs *Rooms) SetRole(sessionID, personID string, role authz.SessionRole) error {
	now := time.Now()
	rs.mu.Lock()
	for k, c := range rs.roleChanges {
		if now.Sub(c.at) > jointoken.TTL {
			delete(rs.roleChanges, k)
		}
	}
	rs.roleChanges[personKey{sessionID, personID}] = roleChange{role: role, at: now}
	r, ok := rs.rooms[sessionID]
	rs.mu.Unlock()
	if !ok {
		return fmt.Errorf("set role in %s: %w", sessionID, ErrRoomNotFound)
	}
	return r.SetRole(personID, role)
}

// currentRole is the claims with the role a later change gave their person, if the token was
// issued before that change (within the second: a token signed in the same second as the change
// may predate it, and one signed after it carries the same role anyway).
func (rs *Rooms) currentRole(c jointoken.Claims) jointoken.Claims {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	ch, ok := rs.roleChanges[personKey{c.SessionID, c.PersonID}]
	if ok && time.Since(ch.at) <= jointoken.TTL && !c.Issued().After(ch.at.Truncate(time.Second)) {
		c.Role = ch.role
	}
	return c
}
