package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/media"
	"github.com/onairhq/onair/media/recording"
)

// runMedia serves the live-room media service: signaling WebSocket, SFU and control API.
func runMedia(ctx context.Context, cfg config) error {
	log, err := cfg.logger()
	if err != nil {
		return err
	}
	if cfg.MediaSecret == "" {
		return errors.New("ONAIR_MEDIA_SECRET is required (the same value as the API's)")
	}
	dsn, err := cfg.storeDSN(false) // room events and attendance are written as they happen
	if err != nil {
		return err
	}
	db, err := openStore(ctx, cfg, dsn, false, log)
	if err != nil {
		return err
	}
	defer db.Close()
	h, stop, err := newMediaService(cfg, db, log)
	if err != nil {
		return err
	}
	defer stop()
	return serveHTTP(ctx, cfg.MediaAddr, h, func(a net.Addr) {
		log.Info("media listening", "addr", a.String(), "url", cfg.MediaURL)
	})
}

// newMediaService builds the media handler; stop closes every room (WebSockets are hijacked
// connections that http.Server.Shutdown does not close).
func newMediaService(cfg config, db *bun.DB, log *slog.Logger) (_ http.Handler, stop func(), err error) {
	network, closeUDP, err := mediaNetwork(cfg)
	if err != nil {
		return nil, nil, err
	}
	defer func() {
		if err != nil {
			_ = closeUDP()
		}
	}()
	log = log.With("component", "media")
	var recordings *recording.Store // loadConfig always sets the directory; "" turns recording off
	if cfg.RecordingsDir != "" {
		if recordings, err = recording.NewStore(recording.StoreParams{Dir: cfg.RecordingsDir, Logger: log}); err != nil {
			return nil, nil, err
		}
	}
	node, err := media.NewNode(media.NodeParams{Logger: log, Network: network, DB: db, Recordings: recordings,
		Secret: []byte(cfg.MediaSecret), OriginPatterns: cfg.MediaOrigins, PublicURL: cfg.PublicURL,
		APIURL: cfg.APIURL})
	if err != nil {
		return nil, nil, err
	}
	return node, func() { node.Close(); _ = closeUDP() }, nil
}

// startDevMedia runs the media service beside the API in `onair dev` on the dev store,
// generating the media secret when none is configured (it lives only as long as the process,
// like the rooms).
func startDevMedia(ctx context.Context, cfg *config, db *bun.DB, log *slog.Logger) (<-chan error, error) {
	if cfg.MediaSecret == "" {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return nil, fmt.Errorf("generate media secret: %w", err)
		}
		cfg.MediaSecret = hex.EncodeToString(b)
	}
	if cfg.MediaAddr == "" {
		cfg.MediaAddr = "127.0.0.1:0"
	}
	h, stop, err := newMediaService(*cfg, db, log)
	if err != nil {
		return nil, err
	}
	ready, done := make(chan struct{}), make(chan error, 1)
	go func() {
		err := serveHTTP(ctx, cfg.MediaAddr, h, func(a net.Addr) {
			if cfg.MediaURL == "" {
				cfg.MediaURL = "http://" + a.String()
			}
			close(ready)
		})
		// Rooms close (their last attendance and events reach the store) before runDev hears
		// the service is done and closes the store.
		stop()
		done <- err
	}()
	select {
	case <-ready:
		return done, nil
	case err := <-done:
		return nil, fmt.Errorf("media service: %w", err)
	}
}
