// Package storebench is the database side of the benchmarks (bench/regburst): a database of
// their own beside the admin one, its pg_stat_database counters, the server processes serving
// it and the raw single-row insert ceiling the benchmarks compare the API with.
package storebench

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
)

// Database is the database the benchmark created for this run, beside the admin one.
type Database struct {
	admin *sql.DB
	name  string
	// DSN reaches the benchmark database.
	DSN string
}

func CreateDatabase(ctx context.Context, adminDSN string) (*Database, error) {
	admin, err := sql.Open("pgx", adminDSN)
	if err != nil {
		return nil, err
	}
	name := "regburst_" + strconv.FormatInt(time.Now().UnixNano(), 36)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		return nil, fmt.Errorf("create database: %w", err)
	}
	u, err := url.Parse(adminDSN)
	if err != nil {
		admin.Close()
		return nil, err
	}
	u.Path = "/" + name
	return &Database{admin: admin, name: name, DSN: u.String()}, nil
}

func (b *Database) Drop() {
	_, _ = b.admin.Exec("DROP DATABASE IF EXISTS " + b.name + " WITH (FORCE)")
	b.admin.Close()
}

// Stats are the benchmark database's cumulative counters in pg_stat_database.
type Stats struct {
	Commits, Rollbacks, Sessions int64
}

func (s Stats) Minus(o Stats) Stats {
	return Stats{Commits: s.Commits - o.Commits, Rollbacks: s.Rollbacks - o.Rollbacks, Sessions: s.Sessions - o.Sessions}
}

// stats reads the counters through the admin connection, so reading them adds no backend
// to the benchmark database; the snapshot is cleared first for fresh figures.
func (b *Database) Stats(ctx context.Context) (Stats, error) {
	conn, err := b.admin.Conn(ctx)
	if err != nil {
		return Stats{}, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_stat_clear_snapshot()"); err != nil {
		return Stats{}, err
	}
	var s Stats
	err = conn.QueryRowContext(ctx, "SELECT xact_commit, xact_rollback, sessions FROM pg_stat_database WHERE datname = $1", b.name).
		Scan(&s.Commits, &s.Rollbacks, &s.Sessions)
	return s, err
}

// RawInsertCeiling is how many single-row inserts a second the benchmark database takes from
// clients goroutines sharing a pool of conns connections (kept open), n inserts in all.
func (b *Database) RawInsertCeiling(ctx context.Context, clients, conns, n int) (float64, error) {
	db, err := sql.Open("pgx", b.DSN)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	if _, err := db.ExecContext(ctx, "CREATE TABLE raw_rows (id bigint PRIMARY KEY, email text NOT NULL, created_at timestamptz NOT NULL)"); err != nil {
		return 0, err
	}
	var next atomic.Int64
	var failed atomic.Value
	var wg sync.WaitGroup
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(n) {
					return
				}
				if _, err := db.ExecContext(ctx, "INSERT INTO raw_rows VALUES ($1, $2, now())", i, "raw"+strconv.FormatInt(i, 10)+"@example.com"); err != nil {
					failed.Store(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err, _ := failed.Load().(error); err != nil {
		return 0, fmt.Errorf("raw insert: %w", err)
	}
	return float64(n) / time.Since(start).Seconds(), nil
}

// BackendPIDs are the server processes connected to the benchmark database now.
func (b *Database) BackendPIDs(ctx context.Context) ([]int, error) {
	rows, err := b.admin.QueryContext(ctx, "SELECT pid FROM pg_stat_activity WHERE datname = $1", b.name)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var pids []int
	for rows.Next() {
		var pid int
		if err := rows.Scan(&pid); err != nil {
			return nil, err
		}
		pids = append(pids, pid)
	}
	return pids, rows.Err()
}
