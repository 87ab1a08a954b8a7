package main

import (
	"context"
	"net"
)

// runAPI serves the HTTP API against Postgres and an external Temporal.
func runAPI(ctx context.Context, cfg config) error {
	log, err := cfg.logger()
	if err != nil {
		return err
	}
	limits, err := cfg.rateLimits()
	if err != nil {
		return err
	}
	s, err := openServices(ctx, cfg, log, "api")
	if err != nil {
		return err
	}
	defer s.close()
	srv := s.api(limits)
	defer startSweep(ctx, srv)()
	return serveHTTP(ctx, cfg.HTTPAddr, srv.Handler(), func(a net.Addr) { log.Info("api listening", "addr", a.String()) })
}
