package main

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestProductionBuildLeavesOutTheDevServer: the image's build (-tags nodev, Dockerfile)
// carries neither the embedded Temporal server nor its Web UI, while the default build, the
// one `go run ./cmd/onair dev` makes, still does.
func TestProductionBuildLeavesOutTheDevServer(t *testing.T) {
	devOnly := []string{"go.temporal.io/server/", "github.com/temporalio/ui-server/", "github.com/onairhq/onair/devserver"}
	deps := func(tags ...string) []string {
		args := append([]string{"list", "-deps"}, tags...)
		out, err := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), append(args, ".")...).Output()
		if err != nil {
			t.Fatalf("go %v: %v", args, err)
		}
		return strings.Fields(string(out))
	}
	has := func(pkgs []string, prefix string) bool {
		for _, p := range pkgs {
			if strings.HasPrefix(p, prefix) {
				return true
			}
		}
		return false
	}
	prod, dev := deps("-tags", "nodev"), deps()
	for _, prefix := range devOnly {
		if has(prod, prefix) {
			t.Errorf("the -tags nodev build imports %s…", prefix)
		}
		if !has(dev, prefix) {
			t.Errorf("the default build lost %s…: onair dev needs it", prefix)
		}
	}
	t.Logf("packages: %d with -tags nodev, %d without", len(prod), len(dev))
}
