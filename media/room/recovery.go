package room

import (
	"context"
	"errors"
	"time"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/jointoken"
	"github.com/onairhq/onair/store"
)

// A join finding no live room here asks the store. A session the store says is live gets its
// room opened on the spot, as the control API's open would have: the start's open never reached
// this node (an automatic start while the node was down) or the node restarted since. So the
// room of a live session is always one join away, and the workflow need not retry its open.

// closedMemory is how long a close keeps a session's room from being opened by joins: longer
// than any join's store read (joinReadTimeout), which may have read "live" just before the
// session ended.
const closedMemory = time.Minute

// roomFor is the room someone with these claims may enter. A live room on this node lets
// anyone in. Otherwise the store decides: a live session's room is opened here, an ended one
// stays closed, and before the start only roles allowed room.enter_early get in (a green room,
// created on demand); participants wait. A session the store cannot tell about is left to what
// this node knows, as before it asked.
func (rs *Rooms) roomFor(ctx context.Context, c jointoken.Claims) (*Room, error) {
	if r, ok := rs.Get(c.SessionID); ok && r.Live() {
		return r, nil
	}
	sess, err := rs.sessionOf(ctx, c)
	switch {
	case errors.Is(err, ErrWrongWorkspace):
		rs.log.Warn("join token and session disagree on the workspace", "session", c.SessionID, "token_workspace", c.WorkspaceID,
			"person", c.PersonID)
		return nil, err
	case errors.Is(err, store.ErrNotFound):
		return rs.greenRoom(c, "")
	case err != nil:
		rs.log.Warn("session lookup at join failed: deciding without the store", "session", c.SessionID, "err", err)
		return rs.greenRoom(c, "")
	case sess.Status == store.SessionLive:
		return rs.openLive(ctx, sess)
	case sess.Closed():
		return nil, ErrRoomClosed
	}
	return rs.greenRoom(c, sess.WorkspaceID)
}

// sessionOf reads the session the (verified) token names; its workspace must be the token's.
func (rs *Rooms) sessionOf(ctx context.Context, c jointoken.Claims) (*store.Session, error) {
	ctx, cancel := context.WithTimeout(ctx, joinReadTimeout)
	defer cancel()
	sess, err := store.SessionByID(ctx, rs.db, c.SessionID)
	if err != nil {
		return nil, err
	}
	if sess.WorkspaceID != c.WorkspaceID {
		return nil, ErrWrongWorkspace
	}
	return sess, nil
}

// openLive opens the room of a session the store says is live: its workspace from the store
// row, what it had said and shown restored if this node had no room for it (restore.go),
// recording from the start if the event says auto-record. Racing joins open one room and
// record once; a room this node closed moments ago stays closed.
func (rs *Rooms) openLive(ctx context.Context, sess *store.Session) (*Room, error) {
	rs.mu.Lock()
	if rs.closedRecentlyLocked(sess.ID) {
		rs.mu.Unlock()
		return nil, ErrRoomClosed
	}
	_, existed := rs.rooms[sess.ID] // a green room keeps what it has
	r := rs.getOrCreateLocked(sess.ID)
	rs.mu.Unlock()
	r.SetWorkspace(sess.WorkspaceID)
	if !r.setLive() {
		return r, nil // another join or the control API opened it
	}
	r.log.Info("room opened for a join: the session is live in the store", "workspace", sess.WorkspaceID)
	if !existed {
		rctx, cancel := context.WithTimeout(ctx, joinReadTimeout)
		if err := r.restore(rctx, rs.db); err != nil {
			r.log.Error("room reopened without its chat, questions and polls", "err", err)
		}
		cancel()
	}
	rs.autoRecord(ctx, r, sess)
	return r, nil
}

// autoRecord starts recording a room openLive opened, if its event says so. A recording from
// before a restart resumes: the new track files join the same manifest, so the post-live
// finalize muxes both stretches into one WebM. Failures are logged: the join goes on.
func (rs *Rooms) autoRecord(ctx context.Context, r *Room, sess *store.Session) {
	ctx, cancel := context.WithTimeout(ctx, joinReadTimeout)
	defer cancel()
	ev, err := store.EventByID(ctx, rs.db, sess.EventID)
	if err != nil {
		r.log.Error("auto-record: read the event", "event", sess.EventID, "err", err)
		return
	}
	if !ev.Settings.AutoRecord {
		return
	}
	if _, err := r.StartRecording(); err != nil {
		r.log.Error("auto-record", "err", err)
	}
}

// greenRoom lets roles allowed room.enter_early into a room that is not live (created on
// demand, named after workspaceID when the store gave it); participants wait.
func (rs *Rooms) greenRoom(c jointoken.Claims, workspaceID string) (*Room, error) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	r, ok := rs.rooms[c.SessionID]
	if ok && r.Live() { // opened while the store was read
		return r, nil
	}
	if !canEnterEarly(c.Role) {
		return nil, ErrRoomNotLive
	}
	if !ok && rs.closedRecentlyLocked(c.SessionID) {
		return nil, ErrRoomClosed
	}
	r = rs.getOrCreateLocked(c.SessionID)
	r.SetWorkspace(workspaceID)
	return r, nil
}

func canEnterEarly(role authz.SessionRole) bool {
	return authz.CanInRoom(authz.RoomContext{Role: role}, authz.RoomEnterEarly).Allowed
}

// rememberClosedLocked notes a close, forgetting those past closedMemory.
func (rs *Rooms) rememberClosedLocked(sessionID string) {
	now := time.Now() // the wall clock: closedMemory covers real store reads, not the room clock
	for id, at := range rs.closedAt {
		if now.Sub(at) > closedMemory {
			delete(rs.closedAt, id)
		}
	}
	rs.closedAt[sessionID] = now
}

func (rs *Rooms) closedRecentlyLocked(sessionID string) bool {
	at, ok := rs.closedAt[sessionID]
	return ok && time.Since(at) <= closedMemory
}
