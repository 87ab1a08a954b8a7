package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

var testLinks = store.LinkKey("0123456789abcdef0123456789abcdef-store-tests")

// A personal link's secret opens only its own row, for its own purpose, under the key that
// made it; a forged, truncated or re-purposed secret finds nothing.
func TestPersonalLinksAreDerivedAndVerified(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		ev, ses := seedSession(t, db, store.EventSettings{}, 10)
		ann, _, err := store.Register(ctx, db, store.Registration{Event: ev, Session: ses, Email: "ann@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		bob, _, err := store.Register(ctx, db, store.Registration{Event: ev, Session: ses, Email: "bob@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		join, cancel := testLinks.Secret(store.LinkJoin, ann.ID, 0), testLinks.Secret(store.LinkCancel, ann.ID, 0)
		for purpose, secret := range map[store.LinkPurpose]string{store.LinkJoin: join, store.LinkCancel: cancel} {
			got, err := store.RegistrantByLink(ctx, db, testLinks, purpose, secret)
			if err != nil || got.ID != ann.ID {
				t.Fatalf("%s link %s: %v %v", purpose, secret, got, err)
			}
		}
		refused := []struct {
			name    string
			key     store.LinkKey
			purpose store.LinkPurpose
			secret  string
		}{
			{"join secret as cancel", testLinks, store.LinkCancel, join},
			{"cancel secret as join", testLinks, store.LinkJoin, cancel},
			{"another key", store.LinkKey("another-key-another-key-another-key"), store.LinkJoin, join},
			{"no key", nil, store.LinkJoin, join},
			{"no key, MAC of an empty key", nil, store.LinkJoin, store.LinkKey(nil).Secret(store.LinkJoin, ann.ID, 0)},
			{"someone else's id", testLinks, store.LinkJoin, strings.Replace(join, ann.ID, bob.ID, 1)},
			{"a changed MAC", testLinks, store.LinkJoin, join[:len(join)-1] + flip(join[len(join)-1])},
			{"a truncated MAC", testLinks, store.LinkJoin, join[:len(join)-1]},
			{"another version", testLinks, store.LinkJoin, testLinks.Secret(store.LinkJoin, ann.ID, 1)},
			{"junk", testLinks, store.LinkJoin, "j1.x.y"},
			{"empty", testLinks, store.LinkJoin, ""},
			{"an unknown legacy secret", testLinks, store.LinkJoin, "join_nobodyhasthisone"},
		}
		for _, c := range refused {
			if got, err := store.RegistrantByLink(ctx, db, c.key, c.purpose, c.secret); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s: %v %v, want not found", c.name, got, err)
			}
		}

		// A speaker joins with their link; a host's staff row has none.
		speaker := &store.SessionStaff{ID: store.NewID("stf"), WorkspaceID: ses.WorkspaceID, SessionID: ses.ID, Role: store.StaffSpeaker,
			Email: "sam@example.com", Name: "Sam", CreatedAt: store.Now()}
		host := &store.SessionStaff{ID: store.NewID("stf"), WorkspaceID: ses.WorkspaceID, SessionID: ses.ID, Role: store.StaffHost,
			MemberID: store.NewID("mem"), Email: "host@example.com", CreatedAt: store.Now()}
		for _, st := range []*store.SessionStaff{speaker, host} {
			if err := store.Insert(ctx, db, st); err != nil {
				t.Fatal(err)
			}
		}
		if got, err := store.SpeakerByLink(ctx, db, testLinks, testLinks.Secret(store.LinkJoin, speaker.ID, 0)); err != nil || got.ID != speaker.ID {
			t.Fatalf("speaker link: %v %v", got, err)
		}
		if _, err := store.SpeakerByLink(ctx, db, testLinks, testLinks.Secret(store.LinkJoin, host.ID, 0)); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a host's derived link opened: %v", err)
		}
	})
}

func flip(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}

// A database upgraded from a build that stored clear "join_…" secrets keeps only their hash;
// the links already e-mailed keep working for every purpose until the retention erasure, which
// voids old and new links alike.
func TestLegacyLinksWorkByHashUntilErased(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		ev, ses := seedSession(t, db, store.EventSettings{}, 10)
		reg, _, err := store.Register(ctx, db, store.Registration{Event: ev, Session: ses, Email: "ann@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		// What the SQLite migration leaves before its Go step: the clear secret, copied.
		legacy := "join_" + store.NewSecret(20)
		if _, err := db.NewUpdate().Model((*store.Registrant)(nil)).Set("legacy_link_hash = ?", legacy).Where("id = ?", reg.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		for range 2 { // the step is idempotent
			if err := store.HashLegacyLinks(ctx, db); err != nil {
				t.Fatal(err)
			}
		}
		var kept string
		if err := db.NewSelect().Model((*store.Registrant)(nil)).Column("legacy_link_hash").Where("id = ?", reg.ID).Scan(ctx, &kept); err != nil {
			t.Fatal(err)
		}
		if kept != store.HashSecret(legacy) {
			t.Fatalf("legacy_link_hash is %q, want the hash of the secret", kept)
		}
		for _, purpose := range []store.LinkPurpose{store.LinkJoin, store.LinkCancel} {
			if got, err := store.RegistrantByLink(ctx, db, testLinks, purpose, legacy); err != nil || got.ID != reg.ID {
				t.Fatalf("legacy link as %s: %v %v", purpose, got, err)
			}
		}
		derived := testLinks.Secret(store.LinkJoin, reg.ID, 0)

		if _, err := store.EraseSessionContent(ctx, db, ses.WorkspaceID, ses.ID); err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{legacy, derived} {
			if got, err := store.RegistrantByLink(ctx, db, testLinks, store.LinkJoin, secret); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("link %s still opens after erasure: %v %v", secret, got, err)
			}
		}
	})
}

// The sweep's delete removes only records past their TTL, at most limit at a time.
func TestDeleteExpiredIdempotency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		old, fresh := store.Now().Add(-store.IdempotencyTTL-time.Minute), store.Now()
		for i, created := range []time.Time{old, old, old, fresh} {
			rec := &store.IdempotencyRecord{Scope: "ws_1/usr_1", Key: string(rune('a' + i)), RequestHash: "h", StatusCode: 201,
				Body: []byte(`{}`), CreatedAt: created}
			if err := store.Insert(ctx, db, rec); err != nil {
				t.Fatal(err)
			}
		}
		cutoff := store.Now().Add(-store.IdempotencyTTL)
		for _, want := range []int{2, 1, 0} {
			if n, err := store.DeleteExpiredIdempotency(ctx, db, cutoff, 2); err != nil || n != want {
				t.Fatalf("deleted %d (%v), want %d", n, err, want)
			}
		}
		var keys []string
		if err := db.NewSelect().Model((*store.IdempotencyRecord)(nil)).Column("key").Scan(ctx, &keys); err != nil {
			t.Fatal(err)
		}
		if len(keys) != 1 || keys[0] != "d" {
			t.Fatalf("left %v, want the fresh record d", keys)
		}
	})
}
