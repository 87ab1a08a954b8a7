package main

import (
	"context"
	"fmt"
	"net"

	"github.com/onairhq/onair/api"
	"github.com/onairhq/onair/mail"
	"github.com/onairhq/onair/worker"
)

// runAPI serves the HTTP API against Postgres and an external Temporal.
func runAPI(ctx context.Context, cfg config) error {
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
	srv := api.New(api.Params{
		DB: db, Mail: sender, Log: log, BaseURL: cfg.PublicURL, Temporal: tc, TaskQueue: worker.TaskQueue,
		Metrics: reg, Gatherer: reg, Ready: temporalReady(tc),
	})
	return serveHTTP(ctx, cfg.HTTPAddr, srv.Handler(), func(a net.Addr) { log.Info("api listening", "addr", a.String()) })
}
