package store

import (
	"context"

	"github.com/uptrace/bun"
)

// InTx runs fn in one transaction, or in the caller's when db already is one, so callers
// outside the store compose several store functions atomically without opening transactions
// themselves. (inTx in registrations.go is the same helper for the store's own functions; it
// moves here when that file is free.)
func InTx(ctx context.Context, db bun.IDB, fn func(ctx context.Context, tx bun.IDB) error) error {
	return inTx(ctx, db, fn)
}
