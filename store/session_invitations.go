package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// InvitationBatchByID loads an invitation batch whatever its workspace, for workers.
func InvitationBatchByID(ctx context.Context, db bun.IDB, id string) (*InvitationBatch, error) {
	b := new(InvitationBatch)
	err := db.NewSelect().Model(b).Where("id = ?", id).Scan(ctx)
	return b, notFound("get invitation batch "+id, err)
}

// RecordInvitationBatchProgress stores how many addresses of batch id were handled and
// the batch's status.
func RecordInvitationBatchProgress(ctx context.Context, db bun.IDB, id string, processed int, status string) error {
	_, err := db.NewUpdate().Model((*InvitationBatch)(nil)).Set("processed = ?", processed).Set("status = ?", status).
		Set("updated_at = ?", Now()).Where("id = ?", id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("record invitation batch %s progress: %w", id, err)
	}
	return nil
}
