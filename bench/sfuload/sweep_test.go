package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/onairhq/onair/store"
)

// The benchmark keeps working as the media service changes: a short sweep with two subscribers
// against onair media (built from this tree, on a migrated SQLite store) and against Pion's
// examples/broadcast (built from the module cache), each delivering both its tracks. No number
// is asserted: the figures belong in BENCHMARKS.md, measured on a quiet machine.
func TestShortSweepAgainstBothServers(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two servers")
	}
	for _, tool := range []string{"go", "taskset"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
	dir := t.TempDir()
	o := options{onairBin: filepath.Join(dir, "onair"), baselineBin: filepath.Join(dir, "broadcast"),
		warmup: 500 * time.Millisecond, window: 2 * time.Second, serverCPU: "0"}
	build(t, o.onairBin, "github.com/onairhq/onair/cmd/onair")
	build(t, o.baselineBin, "github.com/pion/webrtc/v4/examples/broadcast")

	dbPath := filepath.Join(dir, "onair.db")
	db, err := store.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	_ = db.Close()
	t.Setenv("DATABASE_URL", dbPath)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for _, kind := range []string{"onair", "baseline"} {
		r, err := measure(ctx, o, kind, 2)
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		if r.pktsPerSec <= 0 || r.serverCores <= 0 || r.rss <= 0 {
			t.Errorf("%s: nothing measured: %+v", kind, r)
		}
		t.Log(r.row())
	}
}

func build(t *testing.T, out, pkg string) {
	t.Helper()
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, b)
	}
}
