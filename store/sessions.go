package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/webhookevents"
)

// SessionByID loads a session whatever its workspace, for workers.
func SessionByID(ctx context.Context, db bun.IDB, id string) (*Session, error) {
	s := new(Session)
	err := db.NewSelect().Model(s).Where("id = ?", id).Scan(ctx)
	return s, notFound("get session "+id, err)
}

// sessionWithEvent reads a session and its event in one statement.
type sessionWithEvent struct {
	Session `bun:",extend"`
	Event   *Event `bun:"rel:belongs-to,join:event_id=id"`
}

// SessionAndEvent loads a session and its event, whatever their workspace, in one round
// trip (a registration's only read before its transaction).
func SessionAndEvent(ctx context.Context, db bun.IDB, id string) (*Session, *Event, error) {
	row := new(sessionWithEvent)
	err := db.NewSelect().Model(row).Relation("Event").Where("?TableAlias.id = ?", id).Scan(ctx)
	if err == nil && (row.Event == nil || row.Event.ID == "") {
		err = sql.ErrNoRows
	}
	if err != nil {
		return nil, nil, notFound("get session "+id+" and its event", err)
	}
	return &row.Session, row.Event, nil
}

// WorkspaceSessions returns every session of workspace ws.
func WorkspaceSessions(ctx context.Context, db bun.IDB, ws string) ([]Session, error) {
	var rows []Session
	if err := db.NewSelect().Model(&rows).Where("workspace_id = ?", ws).Scan(ctx); err != nil {
		return nil, fmt.Errorf("sessions of workspace %s: %w", ws, err)
	}
	return rows, nil
}

// EventSessions returns every session of an event.
func EventSessions(ctx context.Context, db bun.IDB, eventID string) ([]Session, error) {
	var rows []Session
	if err := db.NewSelect().Model(&rows).Where("event_id = ?", eventID).Scan(ctx); err != nil {
		return nil, fmt.Errorf("sessions of event %s: %w", eventID, err)
	}
	return rows, nil
}

// SetSessionStatus writes the status the SessionLifecycle workflow decided, stamping
// started_at when the session goes live and ended_at when it ends, both at at.
func SetSessionStatus(ctx context.Context, db bun.IDB, id, status string, at time.Time) error {
	return InTx(ctx, db, func(ctx context.Context, tx bun.IDB) error { return setSessionStatus(ctx, tx, id, status, at) })
}

// setSessionStatus is SetSessionStatus in a transaction: the session.started, .ended or
// .cancelled event is written with the change, once (a retry that finds the status
// already set reports nothing again).
func setSessionStatus(ctx context.Context, db bun.IDB, id, status string, at time.Time) error {
	var was string
	err := db.NewSelect().Model((*Session)(nil)).Column("status").Where("id = ?", id).Limit(1).Scan(ctx, &was)
	if err := notFound("session "+id, err); errors.Is(err, ErrNotFound) {
		return nil // deleted with its event while its workflow ran: nothing to set or report
	} else if err != nil {
		return err
	}
	q := db.NewUpdate().Model((*Session)(nil)).Set("status = ?", status).Set("updated_at = ?", Now()).
		Where("id = ?", id)
	switch status {
	case SessionLive:
		q = q.Set("started_at = ?", at.UTC())
	case SessionEnded:
		q = q.Set("ended_at = ?", at.UTC())
	}
	if _, err := q.Exec(ctx); err != nil {
		return fmt.Errorf("set session %s %s: %w", id, status, err)
	}
	if typ, ok := sessionStatusEvents[status]; ok && was != status {
		return EmitSessionEvent(ctx, db, typ, id)
	}
	return nil
}

// RescheduleSession gives session id its new plan and puts it back to scheduled;
// sequence is the iCalendar SEQUENCE the caller assigned, so a retry writes the same one.
func RescheduleSession(ctx context.Context, db bun.IDB, id string, startsAt time.Time, durationMinutes int, timezone string, sequence int) error {
	return InTx(ctx, db, func(ctx context.Context, db bun.IDB) error {
		before, err := SessionByID(ctx, db, id)
		if errors.Is(err, ErrNotFound) {
			return nil // deleted with its event while its workflow ran
		} else if err != nil {
			return err
		}
		if err := reschedule(ctx, db, id, startsAt, durationMinutes, timezone, sequence); err != nil {
			return err
		}
		if before.Sequence == sequence && before.Status == SessionScheduled {
			return nil // a retry: reported already
		}
		now, err := SessionByID(ctx, db, id)
		if err != nil {
			return err
		}
		p, err := SessionPayload(ctx, db, now)
		if err != nil {
			return err
		}
		return EmitWebhookEvent(ctx, db, now.WorkspaceID, webhookevents.SessionRescheduled, webhookevents.SessionRescheduledData{
			Session: p, PreviousStartsAt: before.StartsAt, PreviousDurationMinutes: before.DurationMinutes})
	})
}

func reschedule(ctx context.Context, db bun.IDB, id string, startsAt time.Time, durationMinutes int, timezone string, sequence int) error {
	_, err := db.NewUpdate().Model((*Session)(nil)).
		Set("starts_at = ?", startsAt.UTC()).Set("duration_minutes = ?", durationMinutes).
		Set("timezone = ?", timezone).Set("sequence = ?", sequence).
		Set("status = ?", SessionScheduled).Set("updated_at = ?", Now()).
		Where("id = ?", id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("reschedule session %s: %w", id, err)
	}
	return nil
}

// ResizeEventSessions gives the event's sessions not over yet a new capacity (people
// already in keep their seat) and lets each one's waitlist in up to it, in one
// transaction. It returns how many people were promoted.
func ResizeEventSessions(ctx context.Context, db bun.IDB, eventID string, capacity int) (int, error) {
	promoted := 0
	err := InTx(ctx, db, func(ctx context.Context, tx bun.IDB) error {
		var open []string
		err := tx.NewUpdate().Model((*Session)(nil)).Set("capacity = ?", capacity).
			Where("event_id = ?", eventID).Where("status IN (?)", bun.In([]string{SessionScheduled, SessionOpen, SessionLive})).
			Returning("id").Scan(ctx, &open)
		if err != nil {
			return fmt.Errorf("resize sessions of event %s: %w", eventID, err)
		}
		for _, id := range open {
			n, err := PromoteWaitlist(ctx, tx, id)
			if err != nil {
				return err
			}
			promoted += n
		}
		return nil
	})
	return promoted, err
}
