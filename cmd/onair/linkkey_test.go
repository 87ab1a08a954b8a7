package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// api and worker refuse to start without a usable ONAIR_LINK_KEY; onair dev makes one on first
// start, keeps it private in its data dir and reuses it, so links already e-mailed keep working.
func TestLinkKey(t *testing.T) {
	long := strings.Repeat("k", 40)
	for _, c := range []struct {
		name, key string
		dev       bool
		refused   string
	}{
		{"api with a key", long, false, ""},
		{"api without a key", "", false, "ONAIR_LINK_KEY is required"},
		{"api with a short key", "short", false, "at least 32"},
		{"dev with a key", long, true, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			k, err := linkKey(config{LinkKey: c.key, DataDir: dir}, c.dev)
			switch {
			case c.refused != "" && (err == nil || !strings.Contains(err.Error(), c.refused)):
				t.Fatalf("err %v, want %q", err, c.refused)
			case c.refused == "" && (err != nil || string(k) != c.key):
				t.Fatalf("key %q, %v; want the configured one", k, err)
			}
			if _, err := os.Stat(filepath.Join(dir, linkKeyFile)); !os.IsNotExist(err) {
				t.Fatalf("a link key file was written with ONAIR_LINK_KEY set or outside dev: %v", err)
			}
		})
	}

	dir := t.TempDir()
	first, err := linkKey(config{DataDir: dir}, true)
	if err != nil || len(first) < 32 {
		t.Fatalf("dev key %q, %v", first, err)
	}
	info, err := os.Stat(filepath.Join(dir, linkKeyFile))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("link key file: %v, %v; want mode 0600", info, err)
	}
	again, err := linkKey(config{DataDir: dir}, true)
	if err != nil || !bytes.Equal(again, first) {
		t.Fatalf("the dev key changed across starts: %q, %v", again, err)
	}
}
