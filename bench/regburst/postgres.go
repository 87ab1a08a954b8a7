package main

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

// benchDatabase is the database the benchmark created for this run, beside the admin one.
type benchDatabase struct {
	admin *sql.DB
	name  string
	dsn   string
}

func createDatabase(ctx context.Context, adminDSN string) (*benchDatabase, error) {
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
	return &benchDatabase{admin: admin, name: name, dsn: u.String()}, nil
}

func (b *benchDatabase) drop() {
	_, _ = b.admin.Exec("DROP DATABASE IF EXISTS " + b.name + " WITH (FORCE)")
	b.admin.Close()
}

// dbStats are the benchmark database's cumulative counters in pg_stat_database.
type dbStats struct {
	commits, rollbacks, sessions int64
}

func (s dbStats) minus(o dbStats) dbStats {
	return dbStats{commits: s.commits - o.commits, rollbacks: s.rollbacks - o.rollbacks, sessions: s.sessions - o.sessions}
}

// stats reads the counters through the admin connection, so reading them adds no backend
// to the benchmark database; the snapshot is cleared first for fresh figures.
func (b *benchDatabase) stats(ctx context.Context) (dbStats, error) {
	conn, err := b.admin.Conn(ctx)
	if err != nil {
		return dbStats{}, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_stat_clear_snapshot()"); err != nil {
		return dbStats{}, err
	}
	var s dbStats
	err = conn.QueryRowContext(ctx, "SELECT xact_commit, xact_rollback, sessions FROM pg_stat_database WHERE datname = $1", b.name).
		Scan(&s.commits, &s.rollbacks, &s.sessions)
	return s, err
}

// rawInsertCeiling is how many single-row inserts a second the benchmark database takes from
// clients goroutines sharing a pool of conns connections (kept open), n inserts in all.
func (b *benchDatabase) rawInsertCeiling(ctx context.Context, clients, conns, n int) (float64, error) {
	db, err := sql.Open("pgx", b.dsn)
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
