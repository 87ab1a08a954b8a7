package activities

import (
	"context"

	"go.temporal.io/sdk/activity"

	"github.com/onairhq/onair/mail"
	"github.com/onairhq/onair/store"
)

// SendInvitationChunkInput asks for the next Limit addresses of a batch.
type SendInvitationChunkInput struct {
	BatchID string
	Limit   int
}

// SendInvitationChunkResult reports the batch's progress.
type SendInvitationChunkResult struct {
	Processed, Total int
	Done             bool
}

// SendInvitationChunk e-mails the next addresses of an invitation batch, once
// per (session, address) thanks to the Delivery claim, and records progress.
func (a *Activities) SendInvitationChunk(ctx context.Context, in SendInvitationChunkInput) (SendInvitationChunkResult, error) {
	b, err := store.InvitationBatchByID(ctx, a.DB, in.BatchID)
	if err != nil {
		return SendInvitationChunkResult{}, err
	}
	end := min(b.Processed+in.Limit, len(b.Emails))
	marks := startMarking(ctx, a.DB)
	defer marks.stop()
	m, err := a.sessionMailer(ctx, b.SessionID, marks)
	if err != nil {
		return SendInvitationChunkResult{}, err
	}
	err = parallel(8, b.Emails[b.Processed:end], func(addr string) error {
		id, err := store.ClaimDelivery(ctx, a.DB, b.WorkspaceID, b.SessionID, "mailto:"+addr, mail.KindSessionInvitation)
		if err != nil || id == "" {
			return err
		}
		if err := m.deliver(ctx, sessionMail{Kind: mail.KindSessionInvitation}, recipient{ID: addr, Email: addr}, id); err != nil {
			return err
		}
		activity.RecordHeartbeat(ctx, addr)
		return nil
	})
	if err != nil {
		return SendInvitationChunkResult{}, err
	}
	status := "running"
	if end >= len(b.Emails) {
		status = "done"
	}
	if err := store.RecordInvitationBatchProgress(ctx, a.DB, b.ID, end, status); err != nil {
		return SendInvitationChunkResult{}, err
	}
	return SendInvitationChunkResult{Processed: end, Total: len(b.Emails), Done: status == "done"}, nil
}
