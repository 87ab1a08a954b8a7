package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// The launch-burst path of Register (BENCHMARKS.md, "Registration burst"). An approved
// registration is, on Postgres, one statement and one commit: the seat, the contact, the
// registrant and its pending confirmation, each part fed by the one before, so nothing is
// written unless the seat was taken. It applies only where the general transaction
// (insertRegistration) would do exactly the same and nothing more:
//   - the seat is taken only if the session has room and is not over, and no registrant of
//     the session has the e-mail already (a concurrent one with the same e-mail makes the
//     unique key refuse the statement: ErrConflict, as in the transaction);
//   - the workspace has no webhook endpoint (with one, the event is queued by the
//     transaction, which reads the subscriptions);
//   - the event's settings are still the ones the caller read (approval, waitlist, fields),
//     and for RegisterApproved the event is still published, so a caller may decide from a
//     copy of the event a moment old.
//
// When the seat is not taken for any reason, nothing was written and the caller runs the
// transaction, which tells which refusal applies (full, waitlist, closed, registered before)
// or queues the webhook events.
const registerApprovedSQL = `
WITH seat AS (
	UPDATE sessions SET seats_taken = seats_taken + 1
	WHERE id = ? AND seats_taken < capacity AND status NOT IN (?)
		AND NOT EXISTS (SELECT 1 FROM registrants WHERE session_id = ? AND email = ?)
		AND NOT EXISTS (SELECT 1 FROM webhook_endpoints WHERE workspace_id = ?)
		AND EXISTS (SELECT 1 FROM events WHERE id = ? AND settings = ?::jsonb AND (published_at IS NOT NULL OR NOT ?))
	RETURNING id
), person AS (
	INSERT INTO people (id, workspace_id, email, name, created_at, updated_at)
	SELECT ?, ?, ?, ?, ?, ? FROM seat
	ON CONFLICT (workspace_id, email) DO UPDATE SET updated_at = EXCLUDED.updated_at
	RETURNING id
), registrant AS (
	INSERT INTO registrants (id, workspace_id, event_id, session_id, email, person_id, name, fields, status,
		import_id, created_at, updated_at, utm_source, utm_medium, utm_campaign, utm_term, utm_content,
		referrer, consented_at)
	SELECT ?, ?, ?, ?, ?, person.id, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM person
	RETURNING id, person_id
), delivery AS (
	INSERT INTO deliveries (id, workspace_id, session_id, recipient_id, kind, pending, created_at)
	SELECT ?, ?, ?, registrant.id, ?, true, ? FROM registrant
	ON CONFLICT (session_id, recipient_id, kind) DO NOTHING
)
SELECT person_id FROM registrant`

// RegisterApproved is the one-statement registration alone: for a caller holding a recent copy
// of the session and its event (published, without approval) that falls back to a fresh read
// and Register when it returns false. Nothing was written then.
func RegisterApproved(ctx context.Context, db bun.IDB, r Registration) (*Registrant, bool, error) {
	reg := newRegistrant(r, strings.ToLower(strings.TrimSpace(r.Email)), RegistrantApproved, "")
	done, err := registerApproved(ctx, db, reg, r.Event, true)
	if err != nil && !errors.Is(err, ErrConflict) {
		return nil, false, err
	}
	return reg, done, nil
}

// registerApproved runs the one-statement registration of reg (filled in but for its person)
// on Postgres, for ev as the caller read it (published, if published says so). False when it
// did not apply (another dialect, or the seat was not taken): nothing was written then.
func registerApproved(ctx context.Context, db bun.IDB, reg *Registrant, ev *Event, published bool) (bool, error) {
	if db.Dialect().Name() != dialect.PG {
		return false, nil
	}
	settings, err := json.Marshal(ev.Settings)
	if err != nil {
		return false, fmt.Errorf("register %s: event settings: %w", reg.Email, err)
	}
	fields, err := json.Marshal(reg.Fields)
	if err != nil {
		return false, fmt.Errorf("register %s: fields: %w", reg.Email, err)
	}
	var importID any
	if reg.ImportID != "" {
		importID = reg.ImportID
	}
	t, ws, s := reg.CreatedAt, reg.WorkspaceID, reg.SessionID
	var personID string
	err = db.NewRaw(registerApprovedSQL,
		s, bun.In(closedStatuses), s, reg.Email, ws, ev.ID, string(settings), published,
		NewID("per"), ws, reg.Email, reg.Name, t, t,
		reg.ID, ws, reg.EventID, s, reg.Email, reg.Name, string(fields), reg.Status, importID, t, t,
		reg.UTMSource, reg.UTMMedium, reg.UTMCampaign, reg.UTMTerm, reg.UTMContent, reg.Referrer, reg.ConsentedAt,
		NewID("dlv"), ws, s, DeliveryConfirmation, t,
	).Scan(ctx, &personID)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	case err != nil:
		return false, conflict("register "+reg.Email, err)
	}
	reg.PersonID = personID
	return true, nil
}
