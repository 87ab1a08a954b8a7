package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// AttributesByKey loads workspace ws's custom attributes with these keys (an event's custom
// fields); keys without an attribute are left out.
func AttributesByKey(ctx context.Context, db bun.IDB, ws string, keys []string) ([]CustomAttribute, error) {
	attrs := []CustomAttribute{}
	if len(keys) == 0 {
		return attrs, nil
	}
	if err := db.NewSelect().Model(&attrs).Where("workspace_id = ?", ws).Where("key IN (?)", bun.In(keys)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("custom attributes of %s: %w", ws, err)
	}
	return attrs, nil
}
