package api

import (
	"context"
	"sync"
	"time"

	"github.com/onairhq/onair/store"
)

// A launch-day burst sends thousands of registrations a second to a handful of sessions, and
// reading the session with its event was, once the registration itself was one statement,
// the largest part of a public registration's cost (BENCHMARKS.md, "Registration burst").
// So the public route keeps what it read of each session and its event for a second, and
// registers from that copy through store.RegisterApproved, which writes only if the copy still
// holds (the seat's own checks, the event still published with the same settings); when it
// does not, or the registration is anything but a plain approved one, the route reads afresh
// and takes the general way. A stale copy therefore never decides anything that is written.

// recentSessionTTL is how long a copy serves.
const recentSessionTTL = time.Second

// maxRecentSessions bounds the copies kept; when full, they are all dropped.
const maxRecentSessions = 1024

type recentSession struct {
	ses  *store.Session
	ev   *store.Event
	read time.Time
}

// recentSessions are the copies, by session id.
type recentSessions struct {
	mu sync.Mutex
	m  map[string]recentSession
}

func (r *recentSessions) get(id string, now time.Time) (*store.Session, *store.Event, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.m[id]
	if !ok || now.Sub(e.read) > recentSessionTTL {
		return nil, nil, false
	}
	return e.ses, e.ev, true
}

func (r *recentSessions) put(id string, ses *store.Session, ev *store.Event, now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.m == nil || len(r.m) >= maxRecentSessions {
		r.m = map[string]recentSession{}
	}
	r.m[id] = recentSession{ses: ses, ev: ev, read: now}
}

// registerFromCopy registers req from the recent copy of the session, for an event that is
// published, asks no approval and no fields; false (nothing written) sends the caller the
// general way.
func (s *registrationsAPI) registerFromCopy(ctx context.Context, id string, req registrationRequest) (*store.Registrant, bool) {
	ses, ev, ok := s.recent.get(id, time.Now())
	if !ok || ev.PublishedAt == nil || ev.Settings.Approval || len(ev.Settings.CustomFields) > 0 || len(req.Fields) > 0 {
		return nil, false
	}
	r := req.registration()
	r.Event, r.Session = ev, ses
	reg, done, err := store.RegisterApproved(ctx, s.db, r)
	if err != nil || !done {
		return nil, false
	}
	s.relay.kick(ctx)
	return reg, true
}
