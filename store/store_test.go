package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

func TestMigrateIsIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		applied, err := store.Migrate(context.Background(), db)
		if err != nil {
			t.Fatalf("second migrate: %v", err)
		}
		if len(applied) != 0 {
			t.Fatalf("second migrate applied %v, want nothing", applied)
		}
	})
}

func TestWorkspaceLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		ws := seedWorkspace(t, db, "Acme Webinars")
		other := seedWorkspace(t, db, "Other Co")

		got, err := store.GetWorkspace(ctx, db, ws.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Acme Webinars" || got.Settings.GreenRoomMinutes != 30 || len(got.Settings.ReminderOffsetsMinutes) != 3 {
			t.Fatalf("workspace round trip: %+v", got)
		}
		got.Settings.RetentionDays = 90
		got.Logo, got.LogoType = []byte{0x89, 'P', 'N', 'G'}, "image/png"
		if err := store.TouchWorkspace(ctx, db, got, "settings", "logo", "logo_type"); err != nil {
			t.Fatal(err)
		}
		again, _ := store.GetWorkspace(ctx, db, ws.ID)
		if again.Settings.RetentionDays != 90 || string(again.Logo) != string(got.Logo) {
			t.Fatalf("update not kept: %+v", again.Settings)
		}

		if err := store.DeleteWorkspace(ctx, db, ws.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := store.GetWorkspace(ctx, db, ws.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("deleted workspace still there: %v", err)
		}
		if _, err := store.GetWorkspace(ctx, db, other.ID); err != nil {
			t.Fatalf("other workspace touched by delete: %v", err)
		}
		members, _, _ := store.List[store.Membership](ctx, db, other.ID, store.Page{}, store.WithUser)
		if len(members) != 1 {
			t.Fatalf("other workspace members = %d", len(members))
		}
	})
}

func TestTenantScopedAccess(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		a, b := seedWorkspace(t, db, "A"), seedWorkspace(t, db, "B")
		attr := &store.CustomAttribute{ID: store.NewID("attr"), WorkspaceID: a.ID, OwnerID: "usr_x", Key: "company", Label: "Company", Type: "text", Options: []string{}}
		if err := store.Insert(ctx, db, attr); err != nil {
			t.Fatal(err)
		}
		if _, err := store.Get[store.CustomAttribute](ctx, db, b.ID, attr.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("B read A's attribute: %v", err)
		}
		if err := store.Delete[store.CustomAttribute](ctx, db, b.ID, attr.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("B deleted A's attribute: %v", err)
		}
		dup := *attr
		dup.ID = store.NewID("attr")
		if err := store.Insert(ctx, db, &dup); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("duplicate key accepted: %v", err)
		}
	})
}

func TestPagination(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		ws := seedWorkspace(t, db, "Paged")
		for i := 0; i < 7; i++ {
			if err := store.RecordAudit(ctx, db, store.AuditEntry{WorkspaceID: ws.ID, ActorID: "usr", Action: "x", Object: "o", Outcome: store.OutcomeGranted}); err != nil {
				t.Fatal(err)
			}
		}
		seen := map[string]bool{}
		cursor, pages := "", 0
		for {
			rows, next, err := store.List[store.AuditEntry](ctx, db, ws.ID, store.Page{After: cursor, Limit: 3}, nil)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, r := range rows {
				if seen[r.ID] {
					t.Fatalf("row %s seen twice", r.ID)
				}
				seen[r.ID] = true
			}
			if next == "" {
				break
			}
			cursor = next
		}
		if len(seen) != 7 || pages != 3 {
			t.Fatalf("saw %d rows in %d pages, want 7 in 3", len(seen), pages)
		}
	})
}

func TestInvitationsAndKeys(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		ws := seedWorkspace(t, db, "Invites")
		inv, token, err := store.NewInvitation(ctx, db, ws.ID, "bob@example.com", store.RoleAdmin, "usr_owner", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if inv.TokenHash == token || inv.TokenHash != store.HashSecret(token) {
			t.Fatal("invitation token must be stored hashed")
		}
		found, err := store.GetInvitationByToken(ctx, db, token)
		if err != nil || found.ID != inv.ID {
			t.Fatalf("lookup by token: %v", err)
		}
		if err := store.ClaimInvitation(ctx, db, found); err != nil {
			t.Fatal(err)
		}
		if err := store.ClaimInvitation(ctx, db, found); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("invitation claimed twice: %v", err)
		}

		u, _ := store.GetOrCreateUser(ctx, db, "Key@Example.com", "Key")
		key, secret, err := store.NewAPIKey(ctx, db, ws.ID, u.ID, "ci")
		if err != nil {
			t.Fatal(err)
		}
		if key.Hash == secret {
			t.Fatal("api key stored in clear")
		}
		if got, err := store.Authenticate(ctx, db, secret); err != nil || got.ID != key.ID || got.LastUsedAt == nil {
			t.Fatalf("authenticate: %v %+v", err, got)
		}
		if err := store.RevokeAPIKey(ctx, db, ws.ID, u.ID, key.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := store.Authenticate(ctx, db, secret); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("revoked key still authenticates: %v", err)
		}
	})
}

func TestIdempotencyReservation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		if prev, err := store.ReserveIdempotency(ctx, db, "ws_1/usr_1", "k1", "h"); err != nil || prev != nil {
			t.Fatalf("first reserve: %+v %v", prev, err)
		}
		// A concurrent request with the same key sees the reservation in progress.
		if prev, err := store.ReserveIdempotency(ctx, db, "ws_1/usr_1", "k1", "h"); err != nil || prev == nil || prev.StatusCode != 0 {
			t.Fatalf("second reserve: %+v %v", prev, err)
		}
		if err := store.CompleteIdempotency(ctx, db, "ws_1/usr_1", "k1", 201, []byte(`{"id":"x"}`)); err != nil {
			t.Fatal(err)
		}
		prev, err := store.ReserveIdempotency(ctx, db, "ws_1/usr_1", "k1", "h")
		if err != nil || prev == nil || prev.StatusCode != 201 || string(prev.Body) != `{"id":"x"}` {
			t.Fatalf("replay: %+v %v", prev, err)
		}
		if err := store.ReleaseIdempotency(ctx, db, "ws_1/usr_1", "k1"); err != nil {
			t.Fatal(err)
		}
		if prev, _ := store.ReserveIdempotency(ctx, db, "ws_1/usr_1", "k1", "h"); prev == nil {
			t.Fatal("release freed a completed answer")
		}
		if prev, _ := store.ReserveIdempotency(ctx, db, "ws_2/usr_1", "k1", "h"); prev != nil {
			t.Fatal("idempotency key leaked across scopes")
		}
		// A failed request releases its reservation; the key can be used again.
		if err := store.ReleaseIdempotency(ctx, db, "ws_2/usr_1", "k1"); err != nil {
			t.Fatal(err)
		}
		if prev, _ := store.ReserveIdempotency(ctx, db, "ws_2/usr_1", "k1", "other"); prev != nil {
			t.Fatalf("released key still held: %+v", prev)
		}
	})
}

func seedWorkspace(t *testing.T, db bun.IDB, name string) *store.Workspace {
	t.Helper()
	ctx := context.Background()
	ws := store.NewWorkspace(name, "free")
	if err := store.Insert(ctx, db, ws); err != nil {
		t.Fatal(err)
	}
	u, err := store.GetOrCreateUser(ctx, db, store.NewSecret(4)+"@example.com", "Owner")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.AddMember(ctx, db, ws.ID, u, store.RoleOwner, "Owner"); err != nil {
		t.Fatal(err)
	}
	return ws
}
