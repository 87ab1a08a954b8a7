package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/onairhq/onair/activities"
	"github.com/onairhq/onair/mail"
	"github.com/onairhq/onair/worker"
)

// runWorker runs workflows and activities against an external Temporal.
func runWorker(ctx context.Context, cfg config) error {
	log, err := cfg.logger()
	if err != nil {
		return err
	}
	dsn, err := cfg.storeDSN(false)
	if err != nil {
		return err
	}
	db, err := openStore(ctx, dsn, false, log)
	if err != nil {
		return err
	}
	defer db.Close()
	sender, err := mail.New(cfg.SMTPURL, cfg.mailDir(), cfg.MailFrom)
	if err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	reg := newRegistry()
	tc, err := dialTemporal(cfg.TemporalAddress, cfg.TemporalNamespace, reg, log)
	if err != nil {
		return err
	}
	defer tc.Close()
	setupCtx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := worker.EnsureSearchAttributes(setupCtx, tc, cfg.TemporalNamespace); err != nil {
		return fmt.Errorf("register search attributes: %w", err)
	}
	w, err := worker.New(worker.Params{Client: tc, Activities: &activities.Activities{DB: db, Mail: sender, Log: log}})
	if err != nil {
		return err
	}
	if err := w.Start(); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	defer w.Stop()
	log.Info("worker running", "task_queue", worker.TaskQueue, "temporal", cfg.TemporalAddress)
	metrics := http.NewServeMux()
	metrics.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	return serveHTTP(ctx, cfg.MetricsAddr, metrics, func(a net.Addr) { log.Info("worker metrics listening", "addr", a.String()) })
}
