package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

// registerNode registers a node taking capacity participants, then reports load of them.
func registerNode(t *testing.T, db bun.IDB, id string, capacity, load int) {
	t.Helper()
	ctx := context.Background()
	n := &store.MediaNode{ID: id, PublicURL: "https://" + id + ".example", ControlURL: "http://" + id + ".internal", Capacity: capacity}
	if err := store.RegisterMediaNode(ctx, db, n); err != nil {
		t.Fatal(err)
	}
	if err := store.MediaNodeHeartbeat(ctx, db, id, load); err != nil {
		t.Fatal(err)
	}
}

// lastHeartbeat sets a node's heartbeat, as if it had stopped then.
func lastHeartbeat(t *testing.T, db bun.IDB, id string, at time.Time) {
	t.Helper()
	if _, err := db.NewUpdate().Model((*store.MediaNode)(nil)).Where("id = ?", id).Set("heartbeat_at = ?", at).
		Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// A room goes to the alive, non-draining node with room left and the lowest share of its
// capacity in use; a room placed since a node's heartbeat counts on it, so the next one goes
// elsewhere; placing again returns the same node.
func TestPlacementPicksTheLeastLoadedHealthyNode(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		cutoff := store.Now().Add(-15 * time.Second)
		registerNode(t, db, "busy", 100, 50)    // half full
		registerNode(t, db, "roomy", 1000, 100) // a tenth full: the best alive one
		registerNode(t, db, "dead", 1000, 0)
		lastHeartbeat(t, db, "dead", cutoff.Add(-time.Second))
		registerNode(t, db, "draining", 1000, 0)
		if err := store.DrainMediaNode(ctx, db, "draining"); err != nil {
			t.Fatal(err)
		}
		registerNode(t, db, "full", 10, 10)

		first, err := store.PlaceRoom(ctx, db, "ses_a", cutoff)
		if err != nil {
			t.Fatal(err)
		}
		if first.NodeID != "roomy" || first.Generation != 1 || first.Node.PublicURL != "https://roomy.example" {
			t.Fatalf("first room placed %+v on %+v, want roomy, generation 1", first.RoomPlacement, first.Node)
		}
		again, err := store.PlaceRoom(ctx, db, "ses_a", cutoff)
		if err != nil || again.NodeID != "roomy" || again.Generation != 1 {
			t.Fatalf("placing again: %+v, %v; want the same placement", again.RoomPlacement, err)
		}
		// roomy: (100 + 1 room) / 1000; busy: 50 / 100. Make roomy as busy as busy first.
		registerNode(t, db, "roomy", 1000, 500)
		second, err := store.PlaceRoom(ctx, db, "ses_b", cutoff)
		if err != nil {
			t.Fatal(err)
		}
		if second.NodeID != "busy" {
			t.Fatalf("second room on %s, want busy (roomy holds 500/1000 and a new room)", second.NodeID)
		}
	})
}

// With no node able to take a room, placing it says so; a room whose node deregistered or
// stopped heartbeating moves to an alive one, one generation up, and stays there.
func TestPlacementMovesRoomsOffDeadNodes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		cutoff := store.Now().Add(-15 * time.Second)
		if _, err := store.PlaceRoom(ctx, db, "ses_a", cutoff); !errors.Is(err, store.ErrNoMediaNode) {
			t.Fatalf("placing with no node: %v, want ErrNoMediaNode", err)
		}
		registerNode(t, db, "a", 100, 0)
		if p, err := store.PlaceRoom(ctx, db, "ses_a", cutoff); err != nil || p.NodeID != "a" {
			t.Fatalf("placed %+v, %v; want a", p.RoomPlacement, err)
		}
		lastHeartbeat(t, db, "a", cutoff.Add(-time.Millisecond))
		if _, err := store.PlaceRoom(ctx, db, "ses_a", cutoff); !errors.Is(err, store.ErrNoMediaNode) {
			t.Fatalf("placing with the only node dead: %v, want ErrNoMediaNode", err)
		}
		registerNode(t, db, "b", 100, 90)
		moved, err := store.PlaceRoom(ctx, db, "ses_a", cutoff)
		if err != nil || moved.NodeID != "b" || moved.Generation != 2 {
			t.Fatalf("after a died: %+v, %v; want b, generation 2", moved.RoomPlacement, err)
		}
		registerNode(t, db, "a", 100, 0) // a comes back: the room stays where it moved
		if p, err := store.PlaceRoom(ctx, db, "ses_a", cutoff); err != nil || p.NodeID != "b" || p.Generation != 2 {
			t.Fatalf("after a came back: %+v, %v; want b, generation 2", p.RoomPlacement, err)
		}
		if err := store.DeregisterMediaNode(ctx, db, "b"); err != nil {
			t.Fatal(err)
		}
		if p, err := store.PlaceRoom(ctx, db, "ses_a", cutoff); err != nil || p.NodeID != "a" || p.Generation != 3 {
			t.Fatalf("after b deregistered: %+v, %v; want a, generation 3", p.RoomPlacement, err)
		}
		if err := store.MediaNodeHeartbeat(ctx, db, "b", 0); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("heartbeat of a deregistered node: %v, want ErrNotFound", err)
		}
	})
}

// APIs placing the same room at once, first time or after its node died, agree on one node
// and one generation.
func TestPlacementConcurrentPlacesOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		cutoff := store.Now().Add(-15 * time.Second)
		for _, id := range []string{"a", "b", "c"} {
			registerNode(t, db, id, 100, 0)
		}
		placeAtOnce := func() map[store.RoomPlacement]int {
			const callers = 12
			var mu sync.Mutex
			got := map[store.RoomPlacement]int{}
			var wg sync.WaitGroup
			for range callers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					p, err := store.PlaceRoom(ctx, db, "ses_race", cutoff)
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					got[store.RoomPlacement{SessionID: p.SessionID, NodeID: p.NodeID, Generation: p.Generation}]++
					mu.Unlock()
				}()
			}
			wg.Wait()
			return got
		}
		first := placeAtOnce()
		if len(first) != 1 {
			t.Fatalf("concurrent placements: %v, want one", first)
		}
		var node string
		for p := range first {
			node = p.NodeID
			if p.Generation != 1 {
				t.Fatalf("first placement generation %d", p.Generation)
			}
		}
		lastHeartbeat(t, db, node, cutoff.Add(-time.Second))
		moved := placeAtOnce()
		if len(moved) != 1 {
			t.Fatalf("concurrent re-placements: %v, want one", moved)
		}
		for p := range moved {
			if p.NodeID == node || p.Generation != 2 {
				t.Fatalf("re-placed on %s generation %d; want another node than %s, generation 2", p.NodeID, p.Generation, node)
			}
		}
	})
}
