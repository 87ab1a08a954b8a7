package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

// With a share of 2, a room's first two participants sit on its origin, the next two on a new
// edge (the least-loaded other node), the fifth on a second edge; staff always join the
// origin and are not counted; a participant placed again returns to their node; when an
// edge dies its participants are placed again and it is not used any more.
func TestCascadeJoinsFillTheOriginThenEdgesUpToTheShare(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		cutoff := store.Now().Add(-15 * time.Second)
		registerNode(t, db, "a", 100, 0)
		registerNode(t, db, "b", 100, 10)
		registerNode(t, db, "c", 100, 20)
		join := func(person string, counted bool) store.PlacedJoin {
			t.Helper()
			j, err := store.PlaceJoin(ctx, db, "ses_cascade", person, counted, 2, cutoff)
			if err != nil {
				t.Fatal(err)
			}
			return j
		}
		host := join("host", false)
		if host.NodeID != "a" || host.Edge || host.Node.PublicURL != "https://a.example" {
			t.Fatalf("host placed %+v, want the origin a", host)
		}
		got := []string{}
		for i := 1; i <= 5; i++ {
			j := join(fmt.Sprintf("p%d", i), true)
			if j.Edge != (j.NodeID != "a") || j.Node.ID != j.NodeID || j.Room.NodeID != "a" {
				t.Fatalf("p%d placed %+v", i, j)
			}
			got = append(got, j.NodeID)
		}
		if fmt.Sprint(got) != "[a a b b c]" {
			t.Fatalf("participants placed on %v, want [a a b b c]", got)
		}
		if again := join("p3", true); again.NodeID != "b" {
			t.Fatalf("p3 placed again on %s, want b (their seat)", again.NodeID)
		}
		if again := join("host", false); again.NodeID != "a" {
			t.Fatalf("host placed again on %s", again.NodeID)
		}
		edges, err := store.RoomEdges(ctx, db, "ses_cascade")
		if err != nil || len(edges) != 2 || edges[0].NodeID != "b" || edges[1].NodeID != "c" || edges[0].Generation != 1 {
			t.Fatalf("edges %+v, %v; want b then c, generation 1", edges, err)
		}

		lastHeartbeat(t, db, "b", cutoff.Add(-time.Second))
		if moved := join("p3", true); moved.NodeID != "c" {
			t.Fatalf("p3 placed on %s after their edge died, want c (the live edge with a seat free)", moved.NodeID)
		}
		if over := join("p6", true); over.NodeID != "a" {
			t.Fatalf("p6 placed on %s with every live node at its share, want the origin over its share", over.NodeID)
		}
	})
}

// Joins placed at once never put more than the share on a node.
func TestCascadeConcurrentJoinsNeverOverfillANode(t *testing.T) {
	db := storetest.Postgres(t)
	ctx := context.Background()
	cutoff := store.Now().Add(-15 * time.Second)
	for _, id := range []string{"a", "b", "c", "d"} {
		registerNode(t, db, id, 100, 0)
	}
	const share, joins = 3, 12
	var wg sync.WaitGroup
	errs := make(chan error, joins)
	for i := range joins {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := store.PlaceJoin(ctx, db, "ses_rush", fmt.Sprintf("p%02d", i), true, share, cutoff)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var counts []struct {
		NodeID string `bun:"node_id"`
		N      int    `bun:"n"`
	}
	if err := db.NewSelect().Model((*store.RoomSeat)(nil)).Column("node_id").ColumnExpr("count(*) AS n").
		Where("session_id = ?", "ses_rush").Group("node_id").Order("node_id").Scan(ctx, &counts); err != nil {
		t.Fatal(err)
	}
	if len(counts) != 4 {
		t.Fatalf("seats by node %+v, want 4 nodes of %d", counts, share)
	}
	for _, c := range counts {
		if c.N != share {
			t.Fatalf("seats by node %+v, want %d on each", counts, share)
		}
	}
}

// A participant of an edge accepted on stage is seated on the origin (SeatOnOrigin): placed
// again, they join the origin, although it has its share; a node that is not the room's origin
// cannot seat anyone, nor can any node in a room placed nowhere.
func TestCascadeSeatOnOriginMovesAnEdgeSeat(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		cutoff := store.Now().Add(-15 * time.Second)
		registerNode(t, db, "a", 100, 0)
		registerNode(t, db, "b", 100, 10)
		join := func(person string) store.PlacedJoin {
			t.Helper()
			j, err := store.PlaceJoin(ctx, db, "ses_stage", person, true, 1, cutoff)
			if err != nil {
				t.Fatal(err)
			}
			return j
		}
		if j := join("p1"); j.NodeID != "a" {
			t.Fatalf("p1 placed on %s, want the origin a", j.NodeID)
		}
		if j := join("p2"); j.NodeID != "b" || !j.Edge {
			t.Fatalf("p2 placed %+v, want the edge b", j)
		}
		if err := store.SeatOnOrigin(ctx, db, "ses_stage", "p2", "b"); !errors.Is(err, store.ErrNotOrigin) {
			t.Fatalf("the edge seating p2 on itself as the origin: %v, want ErrNotOrigin", err)
		}
		if err := store.SeatOnOrigin(ctx, db, "ses_stage", "p2", "a"); err != nil {
			t.Fatal(err)
		}
		if j := join("p2"); j.NodeID != "a" || j.Edge || j.Node.PublicURL != "https://a.example" {
			t.Fatalf("p2 placed again %+v, want the origin a (their seat moved there)", j)
		}
		if n := storetest.Count(t, db, (*store.RoomSeat)(nil), "session_id = ? AND node_id = ?", "ses_stage", "a"); n != 2 {
			t.Fatalf("%d seats on the origin, want p1's and p2's", n)
		}
		if err := store.SeatOnOrigin(ctx, db, "ses_nowhere", "p1", "a"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("seating someone in a room placed nowhere: %v, want ErrNotFound", err)
		}
	})
}
