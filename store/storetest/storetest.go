// Package storetest opens migrated, throw-away stores for tests: a SQLite file
// in the test's temp dir, or a fresh schema in the real Postgres named by
// TEST_DATABASE_URL (default: the local test database).
package storetest

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"

	"github.com/onairhq/onair/store"
)

// DefaultPostgresURL is used when TEST_DATABASE_URL is unset.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// PostgresURL returns the URL of the Postgres tests run against.
func PostgresURL() string {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return u
	}
	return DefaultPostgresURL
}

// SQLite returns a migrated store in a fresh SQLite file.
func SQLite(t testing.TB) *bun.DB {
	t.Helper()
	db := EmptySQLite(t)
	migrateStore(t, db)
	return db
}

// Postgres returns a migrated store in a schema of its own, dropped at cleanup.
func Postgres(t testing.TB) *bun.DB {
	t.Helper()
	db := EmptyPostgres(t)
	migrateStore(t, db)
	return db
}

// EmptySQLite returns a fresh SQLite file with no tables.
func EmptySQLite(t testing.TB) *bun.DB {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "onair.db"))
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// EmptyPostgres returns a Postgres schema of its own with no tables, dropped at cleanup.
func EmptyPostgres(t testing.TB) *bun.DB {
	t.Helper()
	base := PostgresURL()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	defer admin.Close()
	schema := "t_" + strings.ToLower(store.NewSecret(8))
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema (is Postgres up at %s?): %v", base, err)
	}
	t.Cleanup(func() {
		if db, err := sql.Open("pgx", base); err == nil {
			_, _ = db.Exec("DROP SCHEMA " + schema + " CASCADE")
			_ = db.Close()
		}
	})
	db, err := store.Open(withSearchPath(t, base, schema))
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// Each runs fn once per database kind, as subtests named "sqlite" and "postgres".
func Each(t *testing.T, fn func(t *testing.T, db *bun.DB)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

func withSearchPath(t testing.TB, base, schema string) string {
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", base, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func migrateStore(t testing.TB, db *bun.DB) {
	t.Helper()
	if _, err := store.Migrate(context.Background(), db); err != nil {
		t.Fatalf("migrate: %v", err)
	}
}

// Count is how many rows of model match where (with args), for tests that check what was
// written.
func Count(t testing.TB, db bun.IDB, model any, where string, args ...any) int {
	t.Helper()
	n, err := db.NewSelect().Model(model).Where(where, args...).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// PostgresURLOf is the URL that reaches db, a store from Postgres, in its own schema: for
// a process the test starts (a worker, say) to share the test's store.
func PostgresURLOf(t testing.TB, db *bun.DB) string {
	t.Helper()
	var schema string
	if err := db.QueryRow("SELECT current_schema()").Scan(&schema); err != nil {
		t.Fatalf("schema of the test store: %v", err)
	}
	return withSearchPath(t, PostgresURL(), schema)
}
