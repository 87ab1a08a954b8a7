package devserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	uiserver "github.com/temporalio/ui-server/v2/server"
	uiconfig "github.com/temporalio/ui-server/v2/server/config"
	uiserveroptions "github.com/temporalio/ui-server/v2/server/server_options"
)

// uiStopTimeout bounds how long Stop waits for the Web UI's HTTP server to return.
const uiStopTimeout = 5 * time.Second

// webUI is the Temporal Web UI served beside the embedded server.
type webUI struct {
	server *uiserver.Server
	url    string
	done   chan struct{} // closed when the UI's blocking Start has returned
	err    error         // what Start returned; read only after done is closed
}

// startUI serves the Web UI on address (port 0 picks a free port) for the frontend at
// frontend, and returns once it answers HTTP.
func startUI(ctx context.Context, address, frontend, namespace string, log *slog.Logger) (*webUI, error) {
	host, port, err := splitAddress(address)
	if err != nil {
		return nil, fmt.Errorf("web UI %w", err)
	}
	// Checking the port first matters here: the UI server exits the whole process when it
	// cannot listen, instead of returning an error.
	if port, err = bindablePort(host, port); err != nil {
		return nil, fmt.Errorf("web UI address %s: %w", address, err)
	}
	srv, err := newUIServer(&uiconfig.Config{
		Host:                host,
		Port:                port,
		TemporalGRPCAddress: frontend,
		EnableUI:            true,
		DefaultNamespace:    namespace,
		CORS:                uiconfig.CORS{CookieInsecure: true}, // plain HTTP on localhost
		HideLogs:            true,
		DisableNewsFetch:    true, // onair dev must work offline
	})
	if err != nil {
		return nil, err
	}
	ui := &webUI{
		server: srv,
		url:    "http://" + joinAddress(dialHost(host), port),
		done:   make(chan struct{}),
	}
	go ui.serve(log)
	if err := ui.awaitReady(ctx); err != nil {
		return nil, errors.Join(err, ui.stop())
	}
	return ui, nil
}

// newUIServer builds the UI server, turning the panics NewServer uses for a bad configuration or
// missing assets into an error.
func newUIServer(cfg *uiconfig.Config) (srv *uiserver.Server, err error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("web UI config: %w", err)
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("build web UI: %v", r)
		}
	}()
	return uiserver.NewServer(uiserveroptions.WithConfigProvider(cfg)), nil
}

// serve runs the UI's blocking Start; an error is logged and kept for Start/Stop to report.
func (u *webUI) serve(log *slog.Logger) {
	defer close(u.done)
	if err := u.server.Start(); err != nil {
		u.err = err
		log.Error("temporal web UI stopped", "url", u.url, "error", err)
	}
}

// awaitReady polls the UI's home page until it answers 200, the UI exits, or ctx ends.
func (u *webUI) awaitReady(ctx context.Context) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	go func() {
		select {
		case <-u.done:
			cancel(fmt.Errorf("web UI exited: %v", u.err))
		case <-ctx.Done():
		}
	}()
	err := retry(ctx, func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.url, nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		_ = resp.Body.Close() // only the status matters
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: %s", u.url, resp.Status)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("web UI %s not ready: %w", u.url, err)
	}
	return nil
}

// stop closes the UI's HTTP server and waits, bounded, for its Start to return.
func (u *webUI) stop() error {
	u.server.Stop()
	select {
	case <-u.done:
		return nil
	case <-time.After(uiStopTimeout):
		return fmt.Errorf("web UI %s did not stop within %s", u.url, uiStopTimeout)
	}
}
