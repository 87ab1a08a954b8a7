// Package store owns onair's persistent state: bun models, the migrations that
// create them on Postgres and SQLite, and every SQL statement of the project, as
// repository functions in files named for what they hold. Every function takes a
// bun.IDB so callers compose them inside one transaction (InTx) without writing
// SQL or opening transactions themselves.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"github.com/uptrace/bun/driver/sqliteshim"
)

// ErrNotFound is returned when a row does not exist (or belongs to another workspace).
var ErrNotFound = errors.New("store: not found")

// ErrConflict is returned when a unique key is already taken.
var ErrConflict = errors.New("store: conflict")

// DefaultMaxConns is the Postgres pool size when Pool.MaxConns is 0.
const DefaultMaxConns = 20

// Pool sizes the Postgres connection pool (SQLite always has one connection).
type Pool struct {
	// MaxConns bounds the open connections; every one of them is kept open while idle, so
	// a burst reuses its backends instead of opening new ones (database/sql keeps only
	// two idle by default, and each new Postgres backend costs a fork and a few ms).
	MaxConns int
}

// Open connects with the default pool; see OpenPool.
func Open(dsn string) (*bun.DB, error) { return OpenPool(dsn, Pool{}) }

// OpenPool connects to Postgres when dsn is a postgres:// or postgresql:// URL and to
// a SQLite file otherwise (dsn is then a path; its directory is created).
func OpenPool(dsn string, pool Pool) (*bun.DB, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		cfg, err := pgx.ParseConfig(dsn)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		// bun writes every value into the SQL text, so no two statements are alike: pgx's
		// default (prepare each new text, then execute it) cost a round trip more per query
		// and filled the server with statements used once. Exec sends parse, bind and
		// execute together, unnamed. A DSN that names a mode keeps it.
		if !strings.Contains(dsn, "default_query_exec_mode") {
			cfg.DefaultQueryExecMode = pgx.QueryExecModeExec
		}
		sqldb := stdlib.OpenDB(*cfg)
		conns := pool.MaxConns
		if conns <= 0 {
			conns = DefaultMaxConns
		}
		sqldb.SetMaxOpenConns(conns)
		sqldb.SetMaxIdleConns(conns)
		// Idle connections still go after a while of calm, and every one is renewed now
		// and then so a backend's memory does not grow for ever.
		sqldb.SetConnMaxIdleTime(5 * time.Minute)
		sqldb.SetConnMaxLifetime(time.Hour)
		return bun.NewDB(sqldb, pgdialect.New()), nil
	}
	path := strings.TrimPrefix(dsn, "sqlite://")
	if path != ":memory:" && !strings.HasPrefix(path, "file:") {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, fmt.Errorf("create store directory: %w", err)
		}
		// WAL lets readers proceed while the one writer commits; busy_timeout waits
		// out short write locks instead of failing with SQLITE_BUSY.
		path = "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)"
	}
	sqldb, err := sql.Open(sqliteshim.ShimName, path)
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	// SQLite allows one writer; a single connection avoids lock contention errors.
	sqldb.SetMaxOpenConns(1)
	return bun.NewDB(sqldb, sqlitedialect.New()), nil
}

// Ping checks the connection, for readiness probes.
func Ping(ctx context.Context, db *bun.DB) error {
	return db.PingContext(ctx)
}

// notFound maps sql.ErrNoRows to ErrNotFound and wraps other errors with context.
func notFound(what string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// conflict maps unique-key violations of both dialects to ErrConflict.
func conflict(what string, err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if strings.Contains(msg, "SQLSTATE 23505") || strings.Contains(msg, "UNIQUE constraint failed") ||
		strings.Contains(msg, "duplicate key value") {
		return fmt.Errorf("%s: %w", what, ErrConflict)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// affected turns "no row changed" into ErrNotFound.
func affected(what string, res sql.Result, err error) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return nil
}
