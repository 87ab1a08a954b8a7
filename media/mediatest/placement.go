package mediatest

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/media/placement"
	"github.com/onairhq/onair/store"
)

// RegisterNode registers the media node at url in db as `onair media` does, heartbeating until
// the test ends, and returns what the API and activities reach the nodes with, keyed by secret.
// A url where nothing listens is fine for tests that only read join tokens.
func RegisterNode(t testing.TB, db bun.IDB, url string, secret []byte) *placement.Nodes {
	t.Helper()
	reg, err := placement.Register(context.Background(), placement.RegisterParams{DB: db,
		Node: store.MediaNode{ID: placement.NodeID(url), PublicURL: url, ControlURL: url, Capacity: 1000},
		Load: func() int { return 0 }})
	if err != nil {
		t.Fatalf("register media node %s: %v", url, err)
	}
	t.Cleanup(reg.Stop)
	return placement.New(placement.Params{DB: db, Secret: secret})
}
