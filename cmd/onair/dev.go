//go:build !nodev

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/onairhq/onair/devserver"
	"github.com/onairhq/onair/media/composite"
	"github.com/onairhq/onair/workflows"
)

// runDev runs the whole platform in one process on local files: embedded
// Temporal (SQLite) with its Web UI, the worker, the API and the media service.
func runDev(ctx context.Context, cfg config) error {
	// Whatever makes runDev return also stops what it started in the background.
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	log, err := cfg.logger()
	if err != nil {
		return err
	}
	limits, err := cfg.rateLimits()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return fmt.Errorf("create data dir: %w", err)
	}
	startCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	temporal, err := devserver.Start(startCtx, devserver.Options{
		DatabaseFile: filepath.Join(cfg.DataDir, "temporal.db"), Namespace: cfg.TemporalNamespace,
		FrontendAddress: cfg.TemporalAddress, UIAddress: cfg.UIAddr,
		SearchAttributes: workflows.SearchAttributes(), Logger: log.With("component", "temporal"),
	})
	if err != nil {
		return fmt.Errorf("start embedded temporal: %w", err)
	}
	defer temporal.Stop()

	// The embedded server may have taken a free port; everything dials that one, in plain
	// gRPC without credentials (TEMPORAL_TLS_*, TEMPORAL_API_KEY are for a real cluster).
	cfg.TemporalAddress, cfg.Temporal = temporal.FrontendAddress(), temporalSettings{}
	s, err := openServices(ctx, cfg, log, "dev")
	if err != nil {
		return err
	}
	defer s.close()
	mediaDone, err := startDevMedia(ctx, &cfg, s.db, s.reg, log) // shares the dev store
	if err != nil {
		return err
	}
	// The API signs join tokens with the media secret and URL startDevMedia settled.
	s.cfg.MediaSecret, s.cfg.MediaURL = cfg.MediaSecret, cfg.MediaURL
	key, err := devBootstrap(ctx, s.db, cfg.DataDir)
	if err != nil {
		return err
	}
	if err := composite.Ready(); err == nil {
		s.cfg.Egress = true // composite replays on this machine
	} else {
		s.log.Warn("no composite replays here: sessions' replays wait for an egress worker (ONAIR_EGRESS=true)", "err", err)
	}
	stopWorker, err := s.startWorker()
	if err != nil {
		return err
	}
	defer stopWorker()
	// The worker's metrics at the address `onair worker` uses, so the same scrape works.
	metricsAddr, metricsDone, err := startHTTP(ctx, cfg.MetricsAddr, metricsHandler(s.reg))
	if err != nil {
		return fmt.Errorf("worker metrics (ONAIR_METRICS_ADDR): %w", err)
	}

	dsn, _ := cfg.storeDSN(true) // openServices already checked it
	mailTarget := "files in " + cfg.mailDir()
	if cfg.SMTPURL != "" {
		mailTarget = "SMTP (SMTP_URL)"
	}
	srv := s.api(limits)
	defer startSweep(ctx, srv)()
	err = serveHTTP(ctx, cfg.HTTPAddr, srv.Handler(), func(a net.Addr) {
		printBanner(os.Stdout, banner{
			API: cfg.PublicURL, WebUI: temporal.UIURL(), Temporal: temporal.FrontendAddress(),
			Store: dsnLabel(dsn), Mail: mailTarget, Key: key, Media: cfg.MediaURL,
			Metrics: "http://" + metricsAddr.String() + "/metrics",
		})
	})
	log.Info("onair dev stopping")
	if err == nil { // the API stopped because ctx ended: so do the media service and metrics
		if mediaErr := <-mediaDone; mediaErr != nil {
			err = fmt.Errorf("media service: %w", mediaErr)
		} else if metricsErr := <-metricsDone; metricsErr != nil {
			err = fmt.Errorf("worker metrics: %w", metricsErr)
		}
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

type banner struct{ API, WebUI, Temporal, Store, Mail, Key, Media, Metrics string }

func printBanner(w io.Writer, b banner) {
	lines := []string{
		"onair dev is running",
		"",
		"  API            " + b.API + "   (OpenAPI: " + b.API + "/openapi.json)",
		"  Temporal UI    " + b.WebUI,
		"  Temporal gRPC  " + b.Temporal,
		"  Media (rooms)  " + b.Media,
		"  Metrics        " + b.Metrics + "   (Prometheus: worker, API and media)",
		"  Store          " + b.Store,
		"  Mail           " + b.Mail,
		"",
		"  Owner API key  " + b.Key,
		"",
		"  try: curl -H 'Authorization: Bearer " + b.Key + "' " + b.API + "/v1/workspace",
		"  Ctrl-C stops; the next start reuses the same data.",
	}
	fmt.Fprintln(w, strings.Repeat("─", 72))
	for _, l := range lines {
		fmt.Fprintln(w, l)
	}
	fmt.Fprintln(w, strings.Repeat("─", 72))
}

// dsnLabel shows where the store is without printing a password.
func dsnLabel(dsn string) string {
	if at := strings.LastIndex(dsn, "@"); at >= 0 && strings.Contains(dsn, "://") {
		return dsn[:strings.Index(dsn, "://")+3] + "…" + dsn[at:]
	}
	return dsn + " (SQLite)"
}
