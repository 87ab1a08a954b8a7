package activities

import (
	"context"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/store"
)

// EraseWorkspaceInput names the workspace to erase.
type EraseWorkspaceInput struct {
	WorkspaceID string
}

// EraseWorkspaceResult says whether anything was left to erase (a retry after
// a completed erase finds nothing).
type EraseWorkspaceResult struct {
	Erased bool
}

// EraseWorkspace deletes the workspace and all its rows in one transaction.
func (a *Activities) EraseWorkspace(ctx context.Context, in EraseWorkspaceInput) (EraseWorkspaceResult, error) {
	err := store.InTx(ctx, a.DB, func(ctx context.Context, tx bun.IDB) error {
		return store.DeleteWorkspace(ctx, tx, in.WorkspaceID)
	})
	if errors.Is(err, store.ErrNotFound) {
		return EraseWorkspaceResult{}, nil
	}
	if err != nil {
		return EraseWorkspaceResult{}, fmt.Errorf("erase workspace %s: %w", in.WorkspaceID, err)
	}
	a.Log.Info("workspace erased", "workspace", in.WorkspaceID)
	return EraseWorkspaceResult{Erased: true}, nil
}

// CancelWorkspaceSubscriptionInput names the workspace whose paid
// subscription ends with it.
type CancelWorkspaceSubscriptionInput struct {
	WorkspaceID    string
	IdempotencyKey string
}

// CancelWorkspaceSubscriptionResult says whether a live subscription was ended.
type CancelWorkspaceSubscriptionResult struct {
	Cancelled bool
}

// CancelWorkspaceSubscription ends the workspace's subscription at once at the
// provider, so a deleted workspace is never billed again. A workspace that
// never paid (or is already erased) has nothing to cancel.
func (a *Activities) CancelWorkspaceSubscription(ctx context.Context, in CancelWorkspaceSubscriptionInput) (CancelWorkspaceSubscriptionResult, error) {
	acc, err := store.GetBillingAccount(ctx, a.DB, in.WorkspaceID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (acc.SubscriptionID == "" || acc.Status == "canceled")) {
		return CancelWorkspaceSubscriptionResult{}, nil
	}
	if err != nil {
		return CancelWorkspaceSubscriptionResult{}, fmt.Errorf("read billing account of %s: %w", in.WorkspaceID, err)
	}
	if _, err := a.Billing.CancelSubscription(ctx, acc.SubscriptionID, in.IdempotencyKey); err != nil {
		return CancelWorkspaceSubscriptionResult{}, providerError("cancel subscription of deleted workspace", err)
	}
	a.Log.Info("subscription cancelled with its workspace", "workspace", in.WorkspaceID, "subscription", acc.SubscriptionID)
	return CancelWorkspaceSubscriptionResult{Cancelled: true}, nil
}
