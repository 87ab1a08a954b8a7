package store

import (
	"context"
	"fmt"
	"reflect"
	"time"

	"github.com/uptrace/bun"
)

// Page asks for up to Limit rows whose id sorts after the cursor After.
type Page struct {
	After string
	Limit int
}

// MaxPageLimit bounds one page; DefaultPageLimit is used when Limit is 0.
const (
	MaxPageLimit     = 200
	DefaultPageLimit = 50
)

func (p Page) limit() int {
	switch {
	case p.Limit <= 0:
		return DefaultPageLimit
	case p.Limit > MaxPageLimit:
		return MaxPageLimit
	}
	return p.Limit
}

// Insert stores a new row.
func Insert[T any](ctx context.Context, db bun.IDB, row *T) error {
	_, err := db.NewInsert().Model(row).Exec(ctx)
	return conflict(fmt.Sprintf("insert %T", row), err)
}

// Update writes the named columns of row (all columns when none are named),
// matched by primary key.
func Update[T any](ctx context.Context, db bun.IDB, row *T, columns ...string) error {
	q := db.NewUpdate().Model(row).WherePK()
	if len(columns) > 0 {
		q = q.Column(columns...)
	}
	res, err := q.Exec(ctx)
	if err != nil {
		return conflict(fmt.Sprintf("update %T", row), err)
	}
	return affected(fmt.Sprintf("update %T", row), res, nil)
}

// Get loads the row of workspace ws with this id; another workspace's id is ErrNotFound.
func Get[T any](ctx context.Context, db bun.IDB, ws, id string) (*T, error) {
	row := new(T)
	err := db.NewSelect().Model(row).
		Where("?TableAlias.workspace_id = ?", ws).Where("?TableAlias.id = ?", id).
		Limit(1).Scan(ctx)
	return row, notFound(fmt.Sprintf("get %T %s", row, id), err)
}

// Delete removes the row of workspace ws with this id.
func Delete[T any](ctx context.Context, db bun.IDB, ws, id string) error {
	res, err := db.NewDelete().Model((*T)(nil)).
		Where("workspace_id = ?", ws).Where("id = ?", id).Exec(ctx)
	return affected(fmt.Sprintf("delete %T %s", (*T)(nil), id), res, err)
}

// List returns one page of workspace ws's rows in id order, narrowed by filter
// when it is not nil, and the cursor of the next page ("" on the last one).
func List[T any](ctx context.Context, db bun.IDB, ws string, p Page, filter func(*bun.SelectQuery) *bun.SelectQuery) ([]T, string, error) {
	var rows []T
	q := db.NewSelect().Model(&rows).Where("?TableAlias.workspace_id = ?", ws)
	if p.After != "" {
		q = q.Where("?TableAlias.id > ?", p.After)
	}
	if filter != nil {
		q = filter(q)
	}
	limit := p.limit()
	if err := q.OrderExpr("?TableAlias.id ASC").Limit(int64(limit + 1)).Scan(ctx); err != nil {
		return nil, "", fmt.Errorf("list %T: %w", rows, err)
	}
	if len(rows) <= limit {
		return rows, "", nil
	}
	rows = rows[:limit]
	return rows, idOf(&rows[limit-1]), nil
}

// idOf reads the ID field every scoped model has.
func idOf(row any) string {
	return reflect.ValueOf(row).Elem().FieldByName("ID").String()
}

// Now is the single clock of the store, truncated to what both databases keep.
func Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// Count returns how many rows workspace ws has of this kind.
func Count[T any](ctx context.Context, db bun.IDB, ws string) (int, error) {
	n, err := db.NewSelect().Model((*T)(nil)).Where("workspace_id = ?", ws).Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("count %T: %w", (*T)(nil), err)
	}
	return int(n), nil
}
