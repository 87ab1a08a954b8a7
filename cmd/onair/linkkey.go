package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/onairhq/onair/store"
)

// linkKeyFile keeps `onair dev`'s link key between restarts, so the links already e-mailed
// keep working; like the bootstrap key, it lives only in the git-ignored data dir (mode 0600).
const linkKeyFile = "link.key"

// linkKey is ONAIR_LINK_KEY, which api and worker must share: the worker derives the personal
// links it e-mails from it, the API verifies them. `onair dev` falls back on its saved key,
// made on first start.
func linkKey(cfg config, dev bool) (store.LinkKey, error) {
	switch {
	case cfg.LinkKey != "":
		k, err := store.ParseLinkKey(cfg.LinkKey)
		if err != nil {
			return nil, fmt.Errorf("ONAIR_LINK_KEY: %w", err)
		}
		return k, nil
	case dev:
		return devLinkKey(cfg.DataDir)
	}
	return nil, errors.New("ONAIR_LINK_KEY is required (at least 32 random characters, the same for api and worker: it signs the personal links e-mailed to registrants and speakers)")
}

// devLinkKey reads the dev data dir's link key, generating it on first start.
func devLinkKey(dataDir string) (store.LinkKey, error) {
	path := filepath.Join(dataDir, linkKeyFile)
	data, err := os.ReadFile(path)
	if err == nil {
		k, err := store.ParseLinkKey(strings.TrimSpace(string(data)))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return k, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("read link key: %w", err)
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("generate link key: %w", err)
	}
	secret := hex.EncodeToString(b)
	// O_EXCL: two dev processes starting on one data dir cannot each keep a different key.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("save link key: %w", err)
	}
	if _, err := f.WriteString(secret + "\n"); err != nil {
		f.Close()
		return nil, fmt.Errorf("save link key: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("save link key: %w", err)
	}
	return store.ParseLinkKey(secret)
}
