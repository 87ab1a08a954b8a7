package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"
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
	if _, _, err := cfg.mediaRegistration(); err != nil {
		return err
	}
	node, stop, err := newMediaService(cfg, db, log)
	if err != nil {
		return err
	}
	defer stop() // after the deregistration: no room is placed here while rooms close
	if cfg.MediaMetricsAddr != "" {
		// Its own listener: the node's handler is public (browsers), the metrics name rooms.
		reg := newRegistry()
		reg.MustRegister(node.Metrics())
		metricsCtx, stopMetrics := context.WithCancel(ctx)
		bound, metricsDone, err := startHTTP(metricsCtx, cfg.MediaMetricsAddr, metricsHandler(reg))
		if err != nil {
			stopMetrics()
			return fmt.Errorf("media metrics (ONAIR_MEDIA_METRICS_ADDR): %w", err)
		}
		log.Info("media metrics listening", "addr", bound.String())
		defer func() { // also when the media listener fails to start
			stopMetrics()
			if metricsErr := <-metricsDone; metricsErr != nil {
				log.Error("media metrics", "err", metricsErr)
			}
		}()
	}
	done, err := serveMediaNode(ctx, &cfg, db, node, log)
	if err != nil {
		return err
	}
	return <-done
}

// serveMediaNode serves the node at cfg.MediaAddr and, once it listens, registers it in the
// store under cfg.MediaURL (unset: set to the address it listens on) and heartbeats; done
// receives how serving ended, after the node deregistered.
func serveMediaNode(ctx context.Context, cfg *config, db *bun.DB, node *media.Node, log *slog.Logger) (<-chan error, error) {
	ctx, cancel := context.WithCancel(ctx)
	addr, served, err := startHTTP(ctx, cfg.MediaAddr, node)
	if err != nil {
		cancel()
		return nil, err
	}
	if cfg.MediaURL == "" {
		cfg.MediaURL = "http://" + addr.String()
	}
	reg, err := registerMediaNode(ctx, *cfg, db, node, log)
	if err != nil {
		cancel()
		<-served
		return nil, fmt.Errorf("register the media node: %w", err)
	}
	log.Info("media listening", "addr", addr.String(), "url", cfg.MediaURL)
	done := make(chan error, 1)
	go func() {
		err := <-served
		reg.Stop()
		cancel()
		done <- err
	}()
	return done, nil
}

// newMediaService builds the media handler; stop closes every room (WebSockets are hijacked
// connections that http.Server.Shutdown does not close).
func newMediaService(cfg config, db *bun.DB, log *slog.Logger) (_ *media.Node, stop func(), err error) {
	log = log.With("component", "media")
	network, closeUDP, err := mediaNetwork(cfg)
	if err != nil {
		return nil, nil, err
	}
	iceServers, turnServer, err := mediaTURN(cfg, log)
	if err != nil {
		_ = closeUDP()
		return nil, nil, err
	}
	network.ICEServers = iceServers
	closeNetwork := func() {
		if turnServer != nil {
			_ = turnServer.Close()
		}
		_ = closeUDP()
	}
	defer func() {
		if err != nil {
			closeNetwork()
		}
	}()
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
	if turnServer != nil {
		node.Metrics().SetTURNAllocations(func() (int, uint64) {
			a := turnServer.Allocations()
			return int(a.Current), uint64(a.Total)
		})
	}
	return node, func() { node.Close(); closeNetwork() }, nil
}

// startDevMedia runs the media service beside the API in `onair dev` on the dev store,
// generating the media secret when none is configured (it lives only as long as the process,
// like the rooms). Its metrics join reg, the process's (served at ONAIR_METRICS_ADDR).
func startDevMedia(ctx context.Context, cfg *config, db *bun.DB, reg prometheus.Registerer, log *slog.Logger) (<-chan error, error) {
	if cfg.MediaSecret == "" {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return nil, fmt.Errorf("generate media secret: %w", err)
		}
		cfg.MediaSecret = hex.EncodeToString(b)
	}
	if !cfg.TURN.configured() {
		turn, err := devTURN()
		if err != nil {
			return nil, err
		}
		cfg.TURN = turn
	}
	if cfg.MediaAddr == "" {
		cfg.MediaAddr = "127.0.0.1:0"
	}
	if _, _, err := cfg.mediaRegistration(); err != nil {
		return nil, err
	}
	node, stop, err := newMediaService(*cfg, db, log)
	if err != nil {
		return nil, err
	}
	if err := reg.Register(node.Metrics()); err != nil {
		stop()
		return nil, fmt.Errorf("media metrics: %w", err)
	}
	served, err := serveMediaNode(ctx, cfg, db, node, log)
	if err != nil {
		stop()
		return nil, fmt.Errorf("media service: %w", err)
	}
	done := make(chan error, 1)
	go func() {
		err := <-served
		// Rooms close (their last attendance and events reach the store) before runDev hears
		// the service is done and closes the store.
		stop()
		done <- err
	}()
	return done, nil
}
