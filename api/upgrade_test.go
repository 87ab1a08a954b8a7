package api_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

// TestUpgradedDatabaseServes starts from the first schema onair shipped, with
// a workspace its build wrote (its stale workspaces.pricing included), then
// runs today's Migrate: the old owner's key still works, and sign-up, a plan
// change and event creation are served on the upgraded database.
func TestUpgradedDatabaseServes(t *testing.T) {
	oldest := storetest.ShippedSchemas()[0]
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			var db *bun.DB
			if kind == "postgres" {
				db = storetest.EmptyPostgres(t)
			} else {
				db = storetest.EmptySQLite(t)
			}
			storetest.LoadShipped(t, db, oldest)
			ctx := context.Background()
			oldKey := "onair_" + store.NewSecret(30)
			now := store.Now()
			for _, q := range []struct {
				sql  string
				args []any
			}{
				{`INSERT INTO workspaces (id, name, slug, settings, plan, pricing, created_at, updated_at)
					VALUES ('ws_old', 'Old Co', 'old-co', '{"reminder_offsets_minutes":[60],"green_room_minutes":30}', 'free', 'contacts', ?, ?)`, []any{now, now}},
				{`INSERT INTO users (id, email, name, created_at) VALUES ('usr_old', 'old@example.com', 'Old Owner', ?)`, []any{now}},
				{`INSERT INTO memberships (id, workspace_id, user_id, role, created_at, updated_at)
					VALUES ('mem_old', 'ws_old', 'usr_old', 'owner', ?, ?)`, []any{now, now}},
				{`INSERT INTO api_keys (id, workspace_id, user_id, name, prefix, hash, created_at)
					VALUES ('key_old', 'ws_old', 'usr_old', 'old', ?, ?, ?)`, []any{oldKey[:12], store.HashSecret(oldKey), now}},
			} {
				if _, err := db.ExecContext(ctx, q.sql, q.args...); err != nil {
					t.Fatalf("write with the old schema: %v", err)
				}
			}
			if _, err := store.Migrate(ctx, db); err != nil {
				t.Fatalf("migrate: %v", err)
			}
			h := newHarness(t, db)
			if me := h.must(http.StatusOK, "GET", "/v1/me", oldKey, nil); me.field(t, "user", "email") != "old@example.com" {
				t.Errorf("old owner after upgrade: %s", me.Body)
			}
			if ws := h.must(http.StatusOK, "GET", "/v1/workspace", oldKey, nil); ws.field(t, "name") != "Old Co" {
				t.Errorf("old workspace after upgrade: %s", ws.Body)
			}
			h.must(http.StatusCreated, "POST", "/v1/events", oldKey, map[string]any{"title": "After the upgrade"})
			fresh := h.signupTeam("New Co")
			h.must(http.StatusOK, "GET", "/v1/members", fresh.Key, nil)
			h.must(http.StatusCreated, "POST", "/v1/events", fresh.Key, map[string]any{"title": "Launch"})
		})
	}
}
