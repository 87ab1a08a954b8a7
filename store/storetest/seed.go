package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"github.com/onairhq/onair/store"
)

// seedBatch is how many rows one multi-row INSERT of SeedAttendees carries.
const seedBatch = 2_000

// SeedAttendees writes n approved registrants of ses, each with one live visit of a
// minute, as multi-row inserts inside one transaction (one commit, not one per row), so a
// benchmark seeds 200,000 of them in under a minute on a busy machine. Names and e-mail
// addresses are numbered. On Postgres it turns autovacuum off for the two tables of the
// test's own schema and analyzes them once loaded, so their statistics are those of a
// settled database and change only when the test says.
func SeedAttendees(tb testing.TB, db *bun.DB, ses *store.Session, n int) {
	tb.Helper()
	ctx := context.Background()
	if db.Dialect().Name() == dialect.PG {
		// Autovacuum would analyze the tables at a moment of its choosing, in the middle of
		// a benchmark; statistics are refreshed once, below, when the rows are in.
		for _, table := range []string{"registrants", "attendance"} {
			if _, err := db.ExecContext(ctx, "ALTER TABLE "+table+" SET (autovacuum_enabled = false)"); err != nil {
				tb.Fatal(err)
			}
		}
	}
	err := db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		regs := make([]store.Registrant, 0, seedBatch)
		visits := make([]store.Attendance, 0, seedBatch)
		for start := 0; start < n; start += seedBatch {
			regs, visits = regs[:0], visits[:0]
			now := store.Now()
			for i := start; i < min(n, start+seedBatch); i++ {
				id := store.NewID("reg")
				regs = append(regs, store.Registrant{ID: id, WorkspaceID: ses.WorkspaceID, EventID: ses.EventID, SessionID: ses.ID,
					Email: fmt.Sprintf("p%07d@example.com", i), PersonID: "per_" + id, Name: fmt.Sprintf("Person %d, \"seeded\"", i),
					Fields: map[string]string{}, Status: store.RegistrantApproved, CreatedAt: now, UpdatedAt: now})
				left := now
				visits = append(visits, store.Attendance{ID: store.NewID("att"), WorkspaceID: ses.WorkspaceID, SessionID: ses.ID,
					PersonID: id, Role: "participant", Kind: store.AttendanceLive, JoinedAt: left.Add(-time.Minute), LeftAt: &left, Seconds: 60})
			}
			if _, err := tx.NewInsert().Model(&regs).Exec(ctx); err != nil {
				return fmt.Errorf("seed registrants: %w", err)
			}
			if _, err := tx.NewInsert().Model(&visits).Exec(ctx); err != nil {
				return fmt.Errorf("seed attendance: %w", err)
			}
		}
		return nil
	})
	if err == nil && db.Dialect().Name() == dialect.PG {
		// The statistics autovacuum keeps soon after such a load; without any, the planner
		// guesses a handful of rows per session and sorts every page.
		_, err = db.ExecContext(ctx, "ANALYZE registrants, attendance")
	}
	if err != nil {
		tb.Fatal(err)
	}
}
