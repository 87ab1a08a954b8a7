package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/store"
)

// bootstrapKeyFile keeps the dev owner's key between restarts; the store holds
// only its hash, so this file (mode 0600, in the git-ignored data dir) is the
// one place the secret lives.
const bootstrapKeyFile = "bootstrap-key"

// devBootstrap returns an owner API key for `onair dev`: the saved one if it
// still works, else a new workspace "My workspace" (first start) or a new key
// for the existing first owner.
func devBootstrap(ctx context.Context, db *bun.DB, dataDir string) (string, error) {
	path := filepath.Join(dataDir, bootstrapKeyFile)
	if data, err := os.ReadFile(path); err == nil {
		secret := strings.TrimSpace(string(data))
		if _, err := store.Authenticate(ctx, db, secret); err == nil {
			return secret, nil
		} else if !errors.Is(err, store.ErrNotFound) {
			return "", err
		}
	}
	var secret string
	err := db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		owner := new(store.Membership)
		err := tx.NewSelect().Model(owner).Where("role = ?", store.RoleOwner).OrderExpr("id ASC").Limit(1).Scan(ctx)
		if err != nil {
			ws := store.NewWorkspace("My workspace", "free")
			if err := store.Insert(ctx, tx, ws); err != nil {
				return err
			}
			u, err := store.GetOrCreateUser(ctx, tx, "owner@onair.localhost", "Dev Owner")
			if err != nil {
				return err
			}
			if owner, err = store.AddMember(ctx, tx, ws.ID, u, store.RoleOwner, u.Name); err != nil {
				return err
			}
		}
		_, secret, err = store.NewAPIKey(ctx, tx, owner.WorkspaceID, owner.UserID, "onair dev bootstrap")
		return err
	})
	if err != nil {
		return "", fmt.Errorf("bootstrap owner key: %w", err)
	}
	if err := os.WriteFile(path, []byte(secret+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("save bootstrap key: %w", err)
	}
	return secret, nil
}
