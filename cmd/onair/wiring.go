package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/uptrace/bun"

	"github.com/onairhq/onair/mail"
	"github.com/onairhq/onair/store"
)

// newRegistry is the process's Prometheus registry, with Go and process metrics.
func newRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		mail.TemplateFallbacks)
	return reg
}

// openStore connects to the store dsn with cfg's pool and, when migrate is set, applies migrations.
func openStore(ctx context.Context, cfg config, dsn string, migrate bool, log *slog.Logger) (*bun.DB, error) {
	pool, err := cfg.storePool()
	if err != nil {
		return nil, err
	}
	db, err := store.OpenPool(dsn, pool)
	if err != nil {
		return nil, err
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := store.Ping(pingCtx, db); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("reach the store: %w", err)
	}
	if migrate {
		applied, err := store.Migrate(ctx, db)
		if err != nil {
			_ = db.Close()
			return nil, err
		}
		if len(applied) > 0 {
			log.Info("store migrated", "applied", applied)
		}
	}
	return db, nil
}

// serveHTTP serves h on addr until ctx ends, then drains for up to 10 s.
// ready receives the bound address once listening.
func serveHTTP(ctx context.Context, addr string, h http.Handler, ready func(net.Addr)) error {
	bound, done, err := startHTTP(ctx, addr, h)
	if err != nil {
		return err
	}
	if ready != nil {
		ready(bound)
	}
	return <-done
}

// startHTTP listens on addr at once, so that a busy port is reported before anything else
// starts, and serves h in the background until ctx ends, then drains for up to 10 s; done
// receives how serving ended (nil after a clean shutdown).
func startHTTP(ctx context.Context, addr string, h http.Handler) (net.Addr, <-chan error, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	done := make(chan error, 1)
	go func() {
		select {
		case err := <-errc:
			done <- err
			return
		case <-ctx.Done():
		}
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(shutdownCtx); err != nil {
			done <- fmt.Errorf("shut down http: %w", err)
			return
		}
		if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
			done <- err
			return
		}
		done <- nil
	}()
	return ln.Addr(), done, nil
}

// metricsHandler serves the process's registry at /metrics: the worker's (Temporal SDK)
// metrics, and under `onair dev` the API's too, since they share the process.
func metricsHandler(reg *prometheus.Registry) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	return mux
}
