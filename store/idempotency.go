package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// IdempotencyTTL is how long a creating request's answer is replayed.
const IdempotencyTTL = 24 * time.Hour

// IdempotencyScope is the scope of one person's keys in workspace ws.
func IdempotencyScope(ws, userID string) string { return ws + "/" + userID }

// GetIdempotency returns the stored answer for (scope, key), or nil.
func GetIdempotency(ctx context.Context, db bun.IDB, scope, key string) (*IdempotencyRecord, error) {
	rec := new(IdempotencyRecord)
	err := db.NewSelect().Model(rec).Where("scope = ?", scope).Where("key = ?", key).
		Where("created_at > ?", Now().Add(-IdempotencyTTL)).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("get idempotency key: %w", err)
	}
	return rec, nil
}

// SaveIdempotency stores an answer; an expired record under the same key is replaced.
func SaveIdempotency(ctx context.Context, db bun.IDB, rec *IdempotencyRecord) error {
	rec.CreatedAt = Now()
	if _, err := db.NewDelete().Model((*IdempotencyRecord)(nil)).
		Where("scope = ?", rec.Scope).Where("key = ?", rec.Key).
		Where("created_at <= ?", rec.CreatedAt.Add(-IdempotencyTTL)).Exec(ctx); err != nil {
		return fmt.Errorf("expire idempotency key: %w", err)
	}
	return Insert(ctx, db, rec)
}
