package store

import (
	"context"

	"github.com/uptrace/bun"
)

// TemplateFor returns the workspace's newest e-mail template of kind, or ErrNotFound.
func TemplateFor(ctx context.Context, db bun.IDB, ws, kind string) (*EmailTemplate, error) {
	t := new(EmailTemplate)
	err := db.NewSelect().Model(t).Where("workspace_id = ?", ws).Where("kind = ?", kind).
		OrderExpr("updated_at DESC").Limit(1).Scan(ctx)
	return t, notFound("template "+kind, err)
}
