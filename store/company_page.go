package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// UpcomingEvent is a published event as a company page lists it: with the next of its
// sessions that is not over.
type UpcomingEvent struct {
	Event Event
	Next  Session
}

// UpcomingPublishedEvents lists workspace ws's published events that still have a session
// ahead or live (scheduled, open or live: cancelled and ended ones do not count), ordered by
// that next session's start, skipping offset of them and returning up to limit.
func UpcomingPublishedEvents(ctx context.Context, db bun.IDB, ws string, offset, limit int) ([]UpcomingEvent, error) {
	// Each event's sessions not over, numbered from the soonest: the first is its next one.
	ranked := db.NewSelect().TableExpr("sessions AS s").
		Join("JOIN events AS e ON e.id = s.event_id").
		ColumnExpr("s.id").
		ColumnExpr("ROW_NUMBER() OVER (PARTITION BY s.event_id ORDER BY s.starts_at, s.id) AS nth").
		Where("s.workspace_id = ?", ws).Where("e.workspace_id = ?", ws).
		Where("e.published_at IS NOT NULL").
		Where("s.status IN (?)", bun.In([]string{SessionScheduled, SessionOpen, SessionLive}))
	var next []Session
	err := db.NewSelect().Model(&next).
		Where("?TableAlias.id IN (?)", db.NewSelect().TableExpr("(?) AS ranked", ranked).ColumnExpr("ranked.id").Where("ranked.nth = 1")).
		OrderExpr("?TableAlias.starts_at ASC, ?TableAlias.id ASC").
		Offset(int64(offset)).Limit(int64(limit)).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("upcoming events of %s: %w", ws, err)
	}
	if len(next) == 0 {
		return nil, nil
	}
	ids := make([]string, len(next))
	for i, s := range next {
		ids[i] = s.EventID
	}
	var events []Event
	if err := db.NewSelect().Model(&events).Where("id IN (?)", bun.In(ids)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("upcoming events of %s: %w", ws, err)
	}
	byID := make(map[string]Event, len(events))
	for _, ev := range events {
		byID[ev.ID] = ev
	}
	out := make([]UpcomingEvent, 0, len(next))
	for _, s := range next {
		if ev, ok := byID[s.EventID]; ok {
			out = append(out, UpcomingEvent{Event: ev, Next: s})
		}
	}
	return out, nil
}
