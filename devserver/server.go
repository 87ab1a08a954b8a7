// Package devserver runs an embedded Temporal server with its Web UI inside onair's process, for
// `onair dev` and end-to-end tests: persistence in one SQLite file (or in memory), a single-host
// cluster with one namespace, onair's search attributes registered at start, no Docker.
package devserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/server/temporal"

	"github.com/onairhq/onair/searchattrs"
)

// Defaults for Options.
const (
	DefaultNamespace       = "default"
	DefaultFrontendAddress = "127.0.0.1:7233"
)

// Options configures Start. The zero value is an in-memory server on 127.0.0.1:7233 without UI.
type Options struct {
	// DatabaseFile is the SQLite file holding the server's state, e.g. .onair/temporal.db,
	// reused across restarts; its directory is created if needed. "" keeps everything in memory.
	DatabaseFile string
	// Namespace is created at start if missing; default "default".
	Namespace string
	// FrontendAddress is the host:port of the gRPC frontend, default "127.0.0.1:7233";
	// port 0 picks a free port (see FrontendAddress).
	FrontendAddress string
	// UIAddress is the host:port of the Web UI; "" serves no UI, port 0 picks a free port.
	UIAddress string
	// SearchAttributes are registered in the namespace at start; those already there are kept.
	SearchAttributes map[string]enumspb.IndexedValueType
	// Logger receives the server's logs from Warn up; default slog.Default().
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.Namespace == "" {
		o.Namespace = DefaultNamespace
	}
	if o.FrontendAddress == "" {
		o.FrontendAddress = DefaultFrontendAddress
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// Server is a running embedded Temporal server.
type Server struct {
	temporal temporal.Server
	frontend string
	ui       *webUI         // nil without UI
	logLevel *slog.LevelVar // of the server's logs

	stopOnce sync.Once
	stopErr  error
}

// Start runs the server and returns once its frontend serves the namespace and the Web UI, if
// any, answers HTTP. ctx bounds that wait, not the server's life: call Stop to end it.
func Start(ctx context.Context, o Options) (*Server, error) {
	o = o.withDefaults()
	l, err := newLayout(o.FrontendAddress)
	if err != nil {
		return nil, err
	}
	sql, err := sqlConfig(o.DatabaseFile)
	if err != nil {
		return nil, err
	}
	if err := createNamespace(sql, o.Namespace, o.SearchAttributes); err != nil {
		return nil, err
	}
	logLevel := new(slog.LevelVar)
	logLevel.Set(serverLogLevel)
	logger := newServerLogger(o.Logger, logLevel)
	ts, err := temporal.NewServer(serverOptions(serverConfig(l, sql), l, logger)...)
	if err != nil {
		return nil, fmt.Errorf("build temporal server: %w", err)
	}
	if err := ts.Start(); err != nil {
		return nil, fmt.Errorf("start temporal server: %w", err)
	}
	s := &Server{temporal: ts, frontend: l.frontendDialAddress(), logLevel: logLevel}
	if err := s.prepareNamespace(ctx, o, logger.SLog()); err != nil {
		return nil, errors.Join(err, s.Stop())
	}
	if o.UIAddress != "" {
		if s.ui, err = startUI(ctx, o.UIAddress, s.frontend, o.Namespace, o.Logger); err != nil {
			return nil, errors.Join(err, s.Stop())
		}
	}
	return s, nil
}

// prepareNamespace waits until the frontend serves the namespace, then adds the search
// attributes the namespace lacks.
func (s *Server) prepareNamespace(ctx context.Context, o Options, log *slog.Logger) error {
	var c client.Client
	err := retry(ctx, func(ctx context.Context) error {
		dialed, err := client.DialContext(ctx, client.Options{
			HostPort:  s.frontend,
			Namespace: o.Namespace,
			Logger:    sdklog.NewStructuredLogger(log),
		})
		if err != nil {
			return err
		}
		_, err = dialed.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: o.Namespace})
		if err != nil {
			dialed.Close()
			return err
		}
		c = dialed
		return nil
	})
	if err != nil {
		return fmt.Errorf("temporal frontend %s not ready: %w", s.frontend, err)
	}
	defer c.Close()
	// createNamespace covered a new database; this covers one written by an earlier run
	// from before an attribute existed.
	return searchattrs.Ensure(ctx, c, o.Namespace, o.SearchAttributes)
}

// FrontendAddress is the host:port clients dial, with the port chosen when Options asked for 0.
func (s *Server) FrontendAddress() string { return s.frontend }

// UIURL is the Web UI's base URL, e.g. "http://127.0.0.1:8233", or "" without UI.
func (s *Server) UIURL() string {
	if s.ui == nil {
		return ""
	}
	return s.ui.url
}

// Stop shuts the Web UI and the server down. Calling it again returns the first call's result.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() {
		s.logLevel.Set(stoppingLogLevel)
		var errs []error
		if s.ui != nil {
			errs = append(errs, s.ui.stop())
		}
		if err := s.temporal.Stop(); err != nil {
			errs = append(errs, fmt.Errorf("stop temporal server: %w", err))
		}
		s.stopErr = errors.Join(errs...)
	})
	return s.stopErr
}

// Polling for readiness: servers starting in-process come up within seconds.
const (
	retryInterval  = 100 * time.Millisecond
	attemptTimeout = 2 * time.Second
)

// retry calls try until it succeeds or ctx ends; the error then carries the last attempt's.
func retry(ctx context.Context, try func(context.Context) error) error {
	for {
		attemptCtx, cancel := context.WithTimeout(ctx, attemptTimeout)
		err := try(attemptCtx)
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (last attempt: %v)", context.Cause(ctx), err)
		case <-time.After(retryInterval):
		}
	}
}
