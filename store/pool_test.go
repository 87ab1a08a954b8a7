package store_test

import (
	"context"
	"sync"
	"testing"

	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

// After a burst every connection of the Postgres pool stays open while idle, so the next
// burst opens no new backend (database/sql keeps two by default).
func TestPoolKeepsItsConnectionsWhileIdle(t *testing.T) {
	const conns = 6
	db, err := store.OpenPool(storetest.PostgresURLOf(t, storetest.Postgres(t)), store.Pool{MaxConns: conns})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	burst := func() {
		var ready, release sync.WaitGroup
		ready.Add(conns)
		release.Add(1)
		var wg sync.WaitGroup
		for range conns {
			wg.Add(1)
			go func() {
				defer wg.Done()
				tx, err := db.BeginTx(context.Background(), nil)
				if err != nil {
					t.Error(err)
					ready.Done()
					return
				}
				ready.Done()
				release.Wait() // every connection is in use at once
				_ = tx.Rollback()
			}()
		}
		ready.Wait()
		release.Done()
		wg.Wait()
	}
	burst()
	if s := db.Stats(); s.OpenConnections != conns || s.Idle != conns {
		t.Fatalf("after a burst: %d open, %d idle; want %d kept open", s.OpenConnections, s.Idle, conns)
	}
	opened := db.Stats().MaxIdleClosed
	burst()
	if s := db.Stats(); s.MaxIdleClosed != opened || s.OpenConnections != conns {
		t.Fatalf("the second burst closed %d idle connections (%d open), want none", s.MaxIdleClosed-opened, s.OpenConnections)
	}
}
