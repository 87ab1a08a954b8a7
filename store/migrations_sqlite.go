package store

import (
	"context"
	"fmt"
	"io/fs"
	"regexp"
	"strings"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"
)

// sqliteSteps are SQLite's migrations that need a look at the schema first.
// migrations/postgres holds the same changes as SQL.
var sqliteSteps = []migrate.Migration{
	{Name: "20261202000100", Comment: "upgrade_model_built_schemas", Up: sqliteUpgradeModelBuiltSchemas},
	{Name: "20261202000300", Comment: "secrets_at_rest", Up: sqliteSecretsAtRest},
}

// sqliteSecretsAtRest runs sqlite/20261202000300_secrets_at_rest.sql, which
// moves legacy join secrets into legacy_link_hash still in clear (SQLite has
// no SHA-256 in SQL), then hashes them in the same transaction.
func sqliteSecretsAtRest(ctx context.Context, mg *migrate.Migrator, _ *migrate.Migration) error {
	return mg.DB().RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := sqliteRunFile(ctx, tx, "20261202000300_secrets_at_rest.sql"); err != nil {
			return err
		}
		return HashLegacyLinks(ctx, tx)
	})
}

// sqliteRunFile runs the statements of one of migrations/sqlite's files that a
// Go step wraps (named .sql, not .up.sql, so Discover leaves them to it).
func sqliteRunFile(ctx context.Context, db bun.IDB, file string) error {
	stmts, err := sqliteStatements(file)
	if err != nil {
		return err
	}
	for _, stmt := range stmts {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
	}
	return nil
}

func sqliteStatements(file string) ([]string, error) {
	b, err := fs.ReadFile(migrationFiles, "migrations/sqlite/"+file)
	if err != nil {
		return nil, err
	}
	var stmts []string
	for _, stmt := range strings.Split(string(b), "\n--bun:split\n") {
		if stmt = strings.TrimSpace(stmt); stmt != "" {
			stmts = append(stmts, stmt)
		}
	}
	return stmts, nil
}

// sqliteUpgradeModelBuiltSchemas is postgres/20261202000100: it brings a
// schema that an earlier build created from its models to the baseline.
func sqliteUpgradeModelBuiltSchemas(ctx context.Context, mg *migrate.Migrator, _ *migrate.Migration) error {
	return mg.DB().RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for _, c := range []struct{ table, column, definition string }{
			{"workspaces", "suspended_at", "TIMESTAMP"},
			{"workspaces", "deleting_at", "TIMESTAMP"},
			{"memberships", "name", "VARCHAR NOT NULL DEFAULT ''"},
		} {
			has, err := sqliteHasColumn(ctx, tx, c.table, c.column)
			if err != nil {
				return err
			}
			if !has {
				q := fmt.Sprintf(`ALTER TABLE %q ADD COLUMN %q %s`, c.table, c.column, c.definition)
				if _, err := tx.ExecContext(ctx, q); err != nil {
					return fmt.Errorf("add %s.%s: %w", c.table, c.column, err)
				}
			}
		}
		has, err := sqliteHasColumn(ctx, tx, "workspaces", "pricing")
		if err != nil {
			return err
		}
		if has {
			if _, err := tx.ExecContext(ctx, `ALTER TABLE "workspaces" DROP COLUMN "pricing"`); err != nil {
				return fmt.Errorf("drop workspaces.pricing: %w", err)
			}
		}
		// The two tables the events migration gained after it first shipped,
		// as that (immutable) file creates them.
		for _, table := range []string{"registrant_imports", "invitation_batches"} {
			if err := sqliteCreateFromBaseline(ctx, tx, "20261122000300_events.tx.up.sql", table); err != nil {
				return err
			}
		}
		return nil
	})
}

func sqliteHasColumn(ctx context.Context, db bun.IDB, table, column string) (bool, error) {
	var n int
	err := db.NewRaw("SELECT count(*) FROM pragma_table_info(?) WHERE name = ?", table, column).Scan(ctx, &n)
	if err != nil {
		return false, fmt.Errorf("look up %s.%s: %w", table, column, err)
	}
	return n > 0, nil
}

var sqliteIndexOn = regexp.MustCompile(`^CREATE INDEX \S+ ON (\S+) `)

// sqliteCreateFromBaseline runs, with IF NOT EXISTS, the statements of a
// baseline migration file that create table and its indexes.
func sqliteCreateFromBaseline(ctx context.Context, db bun.IDB, file, table string) error {
	stmts, err := sqliteStatements(file)
	if err != nil {
		return err
	}
	for _, stmt := range stmts {
		index := sqliteIndexOn.FindStringSubmatch(stmt)
		switch {
		case strings.HasPrefix(stmt, fmt.Sprintf("CREATE TABLE %q ", table)):
			stmt = strings.Replace(stmt, "CREATE TABLE", "CREATE TABLE IF NOT EXISTS", 1)
		case index != nil && index[1] == table:
			stmt = strings.Replace(stmt, "CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1)
		default:
			continue
		}
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("create %s: %w", table, err)
		}
	}
	return nil
}
