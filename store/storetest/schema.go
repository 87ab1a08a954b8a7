package storetest

import (
	"context"
	"fmt"
	"sort"
	"testing"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// Schema describes the tables of db (bun's own bookkeeping tables left out),
// a sorted line per column, key and, with indexes, secondary index, so two
// stores' schemas compare as lists of lines. Column order is left out: a column
// added later sits last, which changes nothing a query sees.
func Schema(t testing.TB, db *bun.DB, indexes bool) []string {
	t.Helper()
	var lines []string
	var err error
	if db.Dialect().Name() == dialect.PG {
		lines, err = postgresSchema(db, indexes)
	} else {
		lines, err = sqliteSchema(db, indexes)
	}
	if err != nil {
		t.Fatalf("read schema: %v", err)
	}
	sort.Strings(lines)
	return lines
}

func postgresSchema(db *bun.DB, indexes bool) ([]string, error) {
	ctx := context.Background()
	queries := []string{
		`SELECT table_name || '.' || column_name || ' ' || data_type || ' nullable=' || is_nullable ||
			' default=' || coalesce(column_default, '')
		FROM information_schema.columns WHERE table_schema = current_schema() AND table_name NOT LIKE 'bun\_%'`,
		`SELECT conrelid::regclass::text || ' constraint ' || conname || ' ' || pg_get_constraintdef(oid)
		FROM pg_constraint WHERE connamespace = current_schema()::regnamespace AND conrelid::regclass::text NOT LIKE 'bun\_%'`,
	}
	if indexes {
		queries = append(queries, `SELECT replace(indexdef, schemaname || '.', '')
			FROM pg_indexes WHERE schemaname = current_schema() AND tablename NOT LIKE 'bun\_%'`)
	}
	var lines []string
	for _, q := range queries {
		var part []string
		if err := db.NewRaw(q).Scan(ctx, &part); err != nil {
			return nil, err
		}
		lines = append(lines, part...)
	}
	return lines, nil
}

func sqliteSchema(db *bun.DB, indexes bool) ([]string, error) {
	ctx := context.Background()
	var tables []string
	if err := db.NewRaw(`SELECT name FROM sqlite_master WHERE type = 'table'
		AND name NOT LIKE 'sqlite\_%' ESCAPE '\' AND name NOT LIKE 'bun\_%' ESCAPE '\'`).Scan(ctx, &tables); err != nil {
		return nil, err
	}
	var lines []string
	for _, table := range tables {
		var cols []string
		if err := db.NewRaw(`SELECT ? || '.' || name || ' ' || type || ' notnull=' || "notnull" ||
			' default=' || coalesce(dflt_value, '') || ' pk=' || pk FROM pragma_table_info(?)`, table, table).Scan(ctx, &cols); err != nil {
			return nil, err
		}
		lines = append(lines, cols...)
		var idx []struct {
			Name   string
			Unique int
			Origin string
		}
		if err := db.NewRaw(`SELECT name, "unique", origin FROM pragma_index_list(?)`, table).Scan(ctx, &idx); err != nil {
			return nil, err
		}
		for _, ix := range idx {
			if ix.Origin == "c" && !indexes {
				continue
			}
			var on []string
			if err := db.NewRaw(`SELECT name FROM pragma_index_info(?) ORDER BY seqno`, ix.Name).Scan(ctx, &on); err != nil {
				return nil, err
			}
			name := ix.Name // constraints' automatic index names depend on the DDL's order
			if ix.Origin != "c" {
				name = ix.Origin
			}
			lines = append(lines, fmt.Sprintf("%s index %s unique=%d on %v", table, name, ix.Unique, on))
		}
	}
	return lines, nil
}
