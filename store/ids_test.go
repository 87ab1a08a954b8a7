package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

func TestIsIDAcceptsOnlyWhatNewIDMakes(t *testing.T) {
	for _, prefix := range []string{"ws", "usr", "mem", "inv", "key", "attr", "tpl", "wh", "aud"} {
		if id := store.NewID(prefix); !store.IsID(id) {
			t.Errorf("IsID(%q) = false", id)
		}
	}
	id := store.NewID("mem")
	for _, junk := range []string{"", "mem_", "nope", id + "0", id[:len(id)-1], strings.ToUpper(id), "mem_" + strings.Repeat("i", 24),
		"\x00", "mem_\xff" + strings.Repeat("0", 23), "../" + id, "toolongprefix_" + id[4:]} {
		if store.IsID(junk) {
			t.Errorf("IsID(%q) = true", junk)
		}
	}
}

// TestDeleteWorkspaceErasesItsIdempotencyKeys: keys are scoped per person
// ("<workspace>/<user>"); deleting a workspace erases all of its people's and
// none of another workspace's.
func TestDeleteWorkspaceErasesItsIdempotencyKeys(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		gone, kept := seedWorkspace(t, db, "Gone"), seedWorkspace(t, db, "Kept")
		for _, scope := range []string{store.IdempotencyScope(gone.ID, "usr_a"), store.IdempotencyScope(kept.ID, "usr_a")} {
			if prev, err := store.ReserveIdempotency(ctx, db, scope, "k", "h"); err != nil || prev != nil {
				t.Fatalf("reserve: %+v %v", prev, err)
			}
		}
		if err := store.DeleteWorkspace(ctx, db, gone.ID); err != nil {
			t.Fatal(err)
		}
		if rec, err := store.ReserveIdempotency(ctx, db, store.IdempotencyScope(gone.ID, "usr_a"), "k", "h"); err != nil || rec != nil {
			t.Fatalf("deleted workspace's key survived: %+v %v", rec, err)
		}
		if rec, err := store.ReserveIdempotency(ctx, db, store.IdempotencyScope(kept.ID, "usr_a"), "k", "h"); err != nil || rec == nil {
			t.Fatalf("other workspace's key lost: %v", err)
		}
	})
}

// TestIDsSortInCreationOrder: ids made back to back, many within the same
// millisecond, sort exactly in the order they were made.
func TestIDsSortInCreationOrder(t *testing.T) {
	ids := make([]string, 10000)
	for i := range ids {
		ids[i] = store.NewID("x")
		if !store.IsID(ids[i]) {
			t.Fatalf("%q is not an id", ids[i])
		}
	}
	for i := 1; i < len(ids); i++ {
		if ids[i] <= ids[i-1] {
			t.Fatalf("id %d %s does not sort after %s", i, ids[i], ids[i-1])
		}
	}
}
