package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
	"github.com/uptrace/bun/migrate"
)

// migrationFiles holds the schema's history as SQL, one file per change and
// per dialect (migrations/postgres, migrations/sqlite), named
// <version>_<what>.tx.up.sql and run in version order, each in a transaction.
// A shipped file is never edited: a change is a new file in both folders (and
// the model beside it; TestSchemaMatchesModels fails until both agree).
// SQLite files named <version>_<what>.sql are run by a Go step of sqliteSteps
// (migrations_sqlite.go) that does what SQLite's SQL cannot.
//
//go:embed migrations/postgres/*.sql migrations/sqlite/*.sql
var migrationFiles embed.FS

// migrations lists the dialect's migrations: its SQL files, plus the steps
// SQLite cannot say in SQL (no ADD COLUMN IF NOT EXISTS, no SHA-256).
func migrations(d dialect.Name) (*migrate.Migrations, error) {
	dir, steps := "migrations/sqlite", sqliteSteps
	if d == dialect.PG {
		dir, steps = "migrations/postgres", nil
	}
	files, err := fs.Sub(migrationFiles, dir)
	if err != nil {
		return nil, err
	}
	ms := migrate.NewMigrations()
	if err := ms.Discover(files); err != nil {
		return nil, fmt.Errorf("read %s: %w", dir, err)
	}
	for _, s := range steps {
		ms.Add(s)
	}
	return ms, nil
}

// Migrate applies every pending migration and returns the names applied.
func Migrate(ctx context.Context, db *bun.DB) ([]string, error) {
	ms, err := migrations(db.Dialect().Name())
	if err != nil {
		return nil, fmt.Errorf("load migrations: %w", err)
	}
	m := migrate.NewMigrator(db, ms, migrate.WithMarkAppliedOnSuccess(true))
	if err := m.Init(ctx); err != nil {
		return nil, fmt.Errorf("init migrations: %w", err)
	}
	if err := m.Lock(ctx); err != nil {
		return nil, fmt.Errorf("lock migrations: %w", err)
	}
	defer func() { _ = m.Unlock(ctx) }()
	group, err := m.Migrate(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	var names []string
	for _, mg := range group.Migrations {
		names = append(names, mg.String())
	}
	return names, nil
}
