package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// RecordAudit appends one entry to the workspace's audit log.
func RecordAudit(ctx context.Context, db bun.IDB, e AuditEntry) error {
	e.ID = NewID("aud")
	e.CreatedAt = Now()
	if _, err := db.NewInsert().Model(&e).Exec(ctx); err != nil {
		return fmt.Errorf("record audit %s %s: %w", e.Action, e.Outcome, err)
	}
	return nil
}
