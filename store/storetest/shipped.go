package storetest

import (
	"context"
	"embed"
	"path"
	"sort"
	"strings"
	"testing"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
	"github.com/uptrace/bun/migrate"
)

// shippedFiles are the schemas that builds before versioned migrations
// created from their models: every distinct one that landed on main, per
// dialect, named <commit time>-<commit>.<dialect>.sql.
//
//go:embed shipped/*.sql
var shippedFiles embed.FS

// ShippedSchemas names the earlier schemas, oldest first.
func ShippedSchemas() []string {
	entries, _ := shippedFiles.ReadDir("shipped")
	seen := map[string]bool{}
	var names []string
	for _, e := range entries {
		name, _, _ := strings.Cut(e.Name(), ".")
		if !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

// LoadShipped creates in db (empty) the tables of the earlier schema name and
// records the migrations that build had marked applied, as a database it
// created would be found by today's Migrate.
func LoadShipped(t testing.TB, db *bun.DB, name string) {
	t.Helper()
	kind := "sqlite"
	if db.Dialect().Name() == dialect.PG {
		kind = "postgres"
	}
	b, err := shippedFiles.ReadFile(path.Join("shipped", name+"."+kind+".sql"))
	if err != nil {
		t.Fatalf("shipped schema %s: %v", name, err)
	}
	ctx := context.Background()
	m := migrate.NewMigrator(db, migrate.NewMigrations())
	if err := m.Init(ctx); err != nil {
		t.Fatalf("init migrations: %v", err)
	}
	for _, stmt := range strings.Split(string(b), "\n--bun:split\n") {
		if applied, ok := strings.CutPrefix(strings.TrimSpace(stmt), "-- applied: "); ok {
			for _, mg := range strings.Fields(applied) {
				version, _, _ := strings.Cut(mg, "_")
				if _, err := db.NewInsert().Model(&migrate.Migration{Name: version, GroupID: 1}).ModelTableExpr("bun_migrations").Exec(ctx); err != nil {
					t.Fatalf("record %s applied: %v", version, err)
				}
			}
			continue
		}
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("shipped schema %s: %v\n%s", name, err, stmt)
		}
	}
}
