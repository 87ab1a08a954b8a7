package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// What the public registration page reads of a published event, without a workspace in hand.

// PublishedEventBySlug finds the published event with this public slug; an unpublished one is
// ErrNotFound, as an unknown slug is.
func PublishedEventBySlug(ctx context.Context, db bun.IDB, slug string) (*Event, error) {
	ev := new(Event)
	err := db.NewSelect().Model(ev).Where("slug = ?", slug).Where("published_at IS NOT NULL").Limit(1).Scan(ctx)
	return ev, notFound("published event "+slug, err)
}

// PublicSessions lists up to limit of the event's sessions still ahead or live (scheduled,
// open or live), soonest first.
func PublicSessions(ctx context.Context, db bun.IDB, eventID string, limit int) ([]Session, error) {
	var sessions []Session
	err := db.NewSelect().Model(&sessions).Where("event_id = ?", eventID).
		Where("status IN (?)", bun.In([]string{SessionScheduled, SessionOpen, SessionLive})).
		OrderExpr("starts_at ASC").Limit(int64(limit)).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("public sessions of %s: %w", eventID, err)
	}
	return sessions, nil
}

// LastSession is the event's session that started last, whatever its status: what the
// registration page tells when no session is ahead (over, or cancelled). ErrNotFound when the
// event has none.
func LastSession(ctx context.Context, db bun.IDB, eventID string) (*Session, error) {
	s := new(Session)
	err := db.NewSelect().Model(s).Where("event_id = ?", eventID).OrderExpr("starts_at DESC").Limit(1).Scan(ctx)
	return s, notFound("last session of "+eventID, err)
}

// RegistrantByID finds a registrant in any workspace, for a page whose link was signed with
// its id (the page after registering).
func RegistrantByID(ctx context.Context, db bun.IDB, id string) (*Registrant, error) {
	reg := new(Registrant)
	err := db.NewSelect().Model(reg).Where("id = ?", id).Limit(1).Scan(ctx)
	return reg, notFound("registrant "+id, err)
}
