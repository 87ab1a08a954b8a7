package main

import (
	"context"
	"net"

	"github.com/onairhq/onair/worker"
)

// runWorker runs workflows and activities against an external Temporal, and
// serves its metrics.
func runWorker(ctx context.Context, cfg config) error {
	log, err := cfg.logger()
	if err != nil {
		return err
	}
	s, err := openServices(ctx, cfg, log, "worker")
	if err != nil {
		return err
	}
	defer s.close()
	if err := prepareSearchAttributes(ctx, cfg, s.temporal); err != nil {
		return err
	}
	stop, err := s.startWorker()
	if err != nil {
		return err
	}
	defer stop()
	log.Info("worker running", "task_queue", worker.TaskQueue, "temporal", cfg.TemporalAddress)
	return serveHTTP(ctx, cfg.MetricsAddr, metricsHandler(s.reg), func(a net.Addr) { log.Info("worker metrics listening", "addr", a.String()) })
}
