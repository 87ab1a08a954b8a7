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
	err := a.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
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
