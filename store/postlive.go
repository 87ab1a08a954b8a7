package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/webhookevents"
)

// CloseOpenAttendance ends every visit of the session still open at at (the room closed for
// them), so seconds attended add up even for people whose leave the media node never saw.
// It returns how many rows it closed.
func CloseOpenAttendance(ctx context.Context, db bun.IDB, sessionID string, at time.Time) (int, error) {
	var open []Attendance
	err := db.NewSelect().Model(&open).Column("id", "joined_at").Where("session_id = ?", sessionID).
		Where("left_at IS NULL").Scan(ctx)
	if err != nil {
		return 0, fmt.Errorf("open attendance of %s: %w", sessionID, err)
	}
	at = at.UTC()
	for _, row := range open {
		seconds := max(0, int(at.Sub(row.JoinedAt).Seconds()))
		_, err := db.NewUpdate().Model((*Attendance)(nil)).Set("left_at = ?", at).Set("seconds = ?", seconds).
			Where("id = ?", row.ID).Where("left_at IS NULL").Exec(ctx)
		if err != nil {
			return 0, fmt.Errorf("close attendance %s: %w", row.ID, err)
		}
	}
	return len(open), nil
}

// SaveRecording writes the session's one recording row (created or replaced by session id).
func SaveRecording(ctx context.Context, db bun.IDB, rec *Recording) error {
	t := Now()
	if rec.ID == "" {
		rec.ID = NewID("rec")
	}
	if rec.CreatedAt.IsZero() {
		rec.CreatedAt = t
	}
	rec.UpdatedAt = t
	return InTx(ctx, db, func(ctx context.Context, db bun.IDB) error {
		var was string
		err := db.NewSelect().Model((*Recording)(nil)).Column("status").Where("session_id = ?", rec.SessionID).Limit(1).Scan(ctx, &was)
		if err := notFound("recording of "+rec.SessionID, err); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		if err := saveRecording(ctx, db, rec); err != nil {
			return err
		}
		typ, ok := recordingEvents[rec.Status]
		if !ok || was == rec.Status {
			return nil
		}
		saved, err := RecordingOf(ctx, db, rec.SessionID)
		if err != nil {
			return err
		}
		return EmitWebhookEvent(ctx, db, saved.WorkspaceID, typ, recordingPayload(saved))
	})
}

// recordingEvents are the recording statuses a webhook event reports.
var recordingEvents = map[string]string{
	RecordingReady:            webhookevents.RecordingReady,
	RecordingProcessingFailed: webhookevents.RecordingFailed,
}

func saveRecording(ctx context.Context, db bun.IDB, rec *Recording) error {
	_, err := db.NewInsert().Model(rec).
		On("CONFLICT (session_id) DO UPDATE").
		Set("status = EXCLUDED.status").Set("file = EXCLUDED.file").Set("bytes = EXCLUDED.bytes").
		Set("duration_ms = EXCLUDED.duration_ms").Set("error = EXCLUDED.error").
		Set("started_at = COALESCE(?TableAlias.started_at, EXCLUDED.started_at)").
		Set("ready_at = EXCLUDED.ready_at").Set("updated_at = EXCLUDED.updated_at").Exec(ctx)
	if err != nil {
		return fmt.Errorf("save recording of %s: %w", rec.SessionID, err)
	}
	return nil
}

// RecordingOf returns the session's recording, or ErrNotFound when nothing was recorded.
func RecordingOf(ctx context.Context, db bun.IDB, sessionID string) (*Recording, error) {
	rec := new(Recording)
	err := db.NewSelect().Model(rec).Where("session_id = ?", sessionID).Limit(1).Scan(ctx)
	return rec, notFound("recording of "+sessionID, err)
}

// RecordReplayView counts one replay view of a registrant as attendance of kind replay.
func RecordReplayView(ctx context.Context, db bun.IDB, reg *Registrant) error {
	a := &Attendance{ID: NewID("att"), WorkspaceID: reg.WorkspaceID, SessionID: reg.SessionID, PersonID: reg.ID,
		Role: "participant", Name: reg.Name, Kind: AttendanceReplay, JoinedAt: Now()}
	if _, err := db.NewInsert().Model(a).Exec(ctx); err != nil {
		return fmt.Errorf("record replay view of %s: %w", reg.ID, err)
	}
	return nil
}

// ErasedEmailDomain is where anonymized registrants' addresses point: a reserved domain
// (RFC 2606), so no e-mail can ever reach anyone.
const ErasedEmailDomain = "erased.invalid"

// EraseSessionContent is the retention sweep of one session: its room content (every room
// table: attendance, chat, questions, polls, votes, room events, the recording row) is
// deleted, and its registrants are anonymized rather than deleted, so seat counts and the
// Delivery log stay consistent while no name, address, custom field or working link is left.
// It touches nothing of other sessions. It returns how many registrants it anonymized.
func EraseSessionContent(ctx context.Context, db bun.IDB, ws, sessionID string) (int, error) {
	var anonymized int
	err := InTx(ctx, db, func(ctx context.Context, tx bun.IDB) error {
		for _, model := range RoomTables() {
			if _, err := tx.NewDelete().Model(model).Where("session_id = ?", sessionID).Where("workspace_id = ?", ws).Exec(ctx); err != nil {
				return fmt.Errorf("erase %T of session %s: %w", model, sessionID, err)
			}
		}
		var ids []string
		err := tx.NewSelect().Model((*Registrant)(nil)).Column("id").Where("session_id = ?", sessionID).
			Where("workspace_id = ?", ws).Where("email NOT LIKE ?", "%@"+ErasedEmailDomain).Scan(ctx, &ids)
		if err != nil {
			return fmt.Errorf("registrants of session %s: %w", sessionID, err)
		}
		for _, id := range ids {
			_, err := tx.NewUpdate().Model((*Registrant)(nil)).
				Set("email = ?", id+"@"+ErasedEmailDomain).Set("name = ''").Set("fields = '{}'").
				Set("person_id = ''").Set("link_version = link_version + 1").Set("legacy_link_hash = NULL").
				Set("updated_at = ?", Now()).
				Where("id = ?", id).Exec(ctx)
			if err != nil {
				return fmt.Errorf("anonymize registrant %s: %w", id, err)
			}
		}
		anonymized = len(ids)
		return nil
	})
	return anonymized, err
}

// SessionHosts returns who is told about a session's post-live failures: its hosts, or the
// workspace's owners when the session has none (as staff rows; ID is the membership's).
func SessionHosts(ctx context.Context, db bun.IDB, ws, sessionID string) ([]SessionStaff, error) {
	var hosts []SessionStaff
	err := db.NewSelect().Model(&hosts).Where("session_id = ?", sessionID).Where("role = ?", StaffHost).
		OrderExpr("id ASC").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("hosts of %s: %w", sessionID, err)
	}
	if len(hosts) > 0 {
		return hosts, nil
	}
	err = db.NewSelect().TableExpr("memberships AS m").Join("JOIN users AS u ON u.id = m.user_id").
		ColumnExpr("m.id AS id, u.email AS email, m.name AS name").Where("m.workspace_id = ?", ws).
		Where("m.role = ?", RoleOwner).OrderExpr("m.id").Scan(ctx, &hosts)
	if err != nil {
		return nil, fmt.Errorf("owners of %s: %w", ws, err)
	}
	return hosts, nil
}
