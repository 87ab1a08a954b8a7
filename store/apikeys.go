package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// NewAPIKey creates a key for user in workspace ws and returns it with the clear
// secret, shown once to its owner.
func NewAPIKey(ctx context.Context, db bun.IDB, ws, userID, name string) (*APIKey, string, error) {
	secret := "onair_" + NewSecret(30)
	k := &APIKey{
		ID: NewID("key"), WorkspaceID: ws, UserID: userID, Name: name,
		Prefix: secret[:12], Hash: HashSecret(secret), CreatedAt: Now(),
	}
	if err := Insert(ctx, db, k); err != nil {
		return nil, "", err
	}
	return k, secret, nil
}

// Authenticate finds the live key for a clear secret.
func Authenticate(ctx context.Context, db bun.IDB, secret string) (*APIKey, error) {
	k := new(APIKey)
	err := db.NewSelect().Model(k).Where("hash = ?", HashSecret(secret)).Where("revoked_at IS NULL").Scan(ctx)
	if err != nil {
		return nil, notFound("authenticate", err)
	}
	// Record use at most once a minute: a write per request would cost more than it tells.
	t := Now()
	if k.LastUsedAt == nil || t.Sub(*k.LastUsedAt) > time.Minute {
		if _, err := db.NewUpdate().Model(k).Set("last_used_at = ?", t).WherePK().Exec(ctx); err != nil {
			return nil, fmt.Errorf("touch api key %s: %w", k.ID, err)
		}
		k.LastUsedAt = &t
	}
	return k, nil
}

// RevokeAPIKey revokes one of user's live keys in workspace ws.
func RevokeAPIKey(ctx context.Context, db bun.IDB, ws, userID, id string) error {
	res, err := db.NewUpdate().Model((*APIKey)(nil)).Set("revoked_at = ?", Now()).
		Where("workspace_id = ?", ws).Where("user_id = ?", userID).Where("id = ?", id).
		Where("revoked_at IS NULL").Exec(ctx)
	return affected("revoke api key "+id, res, err)
}

// LiveKeysOf narrows a List to a user's unrevoked keys.
func LiveKeysOf(userID string) func(*bun.SelectQuery) *bun.SelectQuery {
	return func(q *bun.SelectQuery) *bun.SelectQuery {
		return q.Where("?TableAlias.user_id = ?", userID).Where("?TableAlias.revoked_at IS NULL")
	}
}
