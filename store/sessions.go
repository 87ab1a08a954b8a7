package store

import (
	"context"

	"github.com/uptrace/bun"
)

// SessionByID loads a session whatever its workspace, for workers.
func SessionByID(ctx context.Context, db bun.IDB, id string) (*Session, error) {
	s := new(Session)
	err := db.NewSelect().Model(s).Where("id = ?", id).Scan(ctx)
	return s, notFound("get session "+id, err)
}
