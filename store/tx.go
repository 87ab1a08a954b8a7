package store

import (
	"context"

	"github.com/uptrace/bun"
)

// InTx runs fn in one transaction, or in the caller's when db already is one, so several
// store functions (and callers outside the store) compose atomically without opening
// transactions themselves.
func InTx(ctx context.Context, db bun.IDB, fn func(ctx context.Context, tx bun.IDB) error) error {
	if tx, ok := db.(bun.Tx); ok {
		return fn(ctx, tx)
	}
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error { return fn(ctx, tx) })
}
