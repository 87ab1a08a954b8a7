package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

// empty returns a store with no tables of the given kind.
func empty(t *testing.T, kind string) *bun.DB {
	if kind == "postgres" {
		return storetest.EmptyPostgres(t)
	}
	return storetest.EmptySQLite(t)
}

func migrated(t *testing.T, kind string) *bun.DB {
	if kind == "postgres" {
		return storetest.Postgres(t)
	}
	return storetest.SQLite(t)
}

// TestSchemaMatchesModels is the drift test: the tables the migration files
// create are the ones the bun models describe (columns, types, nullability,
// defaults, keys). A model changed without a migration, or the reverse, fails it.
func TestSchemaMatchesModels(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			fromModels := empty(t, kind)
			ctx := context.Background()
			for _, m := range store.Models() {
				if _, err := fromModels.NewCreateTable().Model(m).Exec(ctx); err != nil {
					t.Fatalf("create %T: %v", m, err)
				}
			}
			want := storetest.Schema(t, fromModels, false)
			got := storetest.Schema(t, migrated(t, kind), false)
			diffSchemas(t, "models", want, "migrations", got)
		})
	}
}

// TestMigrateUpgradesShippedSchemas starts from every schema an earlier build
// created and checks that Migrate brings it to exactly the schema a new
// database gets (indexes included), and that a second run has nothing to do.
// Fixtures: storetest/shipped, every distinct schema of a commit on main.
func TestMigrateUpgradesShippedSchemas(t *testing.T) {
	shipped := storetest.ShippedSchemas()
	if len(shipped) < 8 {
		t.Fatalf("%d shipped schemas, want the 8 distinct ones", len(shipped))
	}
	ctx := context.Background()
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			want := storetest.Schema(t, migrated(t, kind), true)
			for _, name := range shipped {
				t.Run(name, func(t *testing.T) {
					db := empty(t, kind)
					storetest.LoadShipped(t, db, name)
					if before := storetest.Schema(t, db, true); name == shipped[0] && slices.Equal(before, want) {
						t.Fatalf("the oldest shipped schema equals today's: the fixture proves nothing")
					}
					if _, err := store.Migrate(ctx, db); err != nil {
						t.Fatalf("migrate: %v", err)
					}
					diffSchemas(t, "new database", want, "upgraded "+name, storetest.Schema(t, db, true))
					again, err := store.Migrate(ctx, db)
					if err != nil || len(again) > 0 {
						t.Fatalf("second migrate applied %v (err %v), want nothing", again, err)
					}
				})
			}
		})
	}
}

func diffSchemas(t *testing.T, wantName string, want []string, gotName string, got []string) {
	t.Helper()
	for _, l := range want {
		if !slices.Contains(got, l) {
			t.Errorf("%s has, %s lacks: %s", wantName, gotName, l)
		}
	}
	for _, l := range got {
		if !slices.Contains(want, l) {
			t.Errorf("%s has, %s lacks: %s", gotName, wantName, l)
		}
	}
}

// TestMigrateKeepsLegacyLinks writes a registrant with a clear join secret in
// the last schema that had them, migrates, and finds the registrant by that
// secret: only its hash is stored (on SQLite the Go step hashes it).
func TestMigrateKeepsLegacyLinks(t *testing.T) {
	shipped := storetest.ShippedSchemas()
	ctx := context.Background()
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			db := empty(t, kind)
			storetest.LoadShipped(t, db, shipped[len(shipped)-1])
			secret := "join_" + store.NewSecret(20)
			now := store.Now()
			if _, err := db.ExecContext(ctx, `INSERT INTO registrants
				(id, workspace_id, event_id, session_id, email, person_id, fields, status, join_token, created_at, updated_at)
				VALUES ('reg_old', 'ws_old', 'evt_old', 'ses_old', 'ann@example.com', 'per_old', '{}', 'approved', ?, ?, ?)`,
				secret, now, now); err != nil {
				t.Fatalf("write with the old schema: %v", err)
			}
			if _, err := store.Migrate(ctx, db); err != nil {
				t.Fatalf("migrate: %v", err)
			}
			reg, err := store.RegistrantByLink(ctx, db, nil, store.LinkJoin, secret)
			if err != nil || reg.ID != "reg_old" {
				t.Fatalf("legacy link after the upgrade: %v, %v", reg, err)
			}
			var stored string
			if err := db.NewRaw("SELECT legacy_link_hash FROM registrants").Scan(ctx, &stored); err != nil || stored != store.HashSecret(secret) {
				t.Fatalf("stored %q (%v), want the secret's SHA-256", stored, err)
			}
		})
	}
}
