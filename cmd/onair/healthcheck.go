package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"
)

// runHealthcheck is a container's health check (docker-compose.yml): the production image
// is distroless, without a shell or curl, so the binary asks itself. It GETs
// ONAIR_HEALTHCHECK_URL, by default the API's /readyz on ONAIR_HTTP_ADDR's port, and fails
// unless the answer is 2xx within 5 s.
func runHealthcheck(ctx context.Context, cfg config) error {
	url := env("ONAIR_HEALTHCHECK_URL", "")
	if url == "" {
		_, port, err := net.SplitHostPort(cfg.HTTPAddr)
		if err != nil {
			return fmt.Errorf("ONAIR_HTTP_ADDR %q: %w", cfg.HTTPAddr, err)
		}
		url = "http://127.0.0.1:" + port + "/readyz"
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("ONAIR_HEALTHCHECK_URL: %w", err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("%s answered %s", url, res.Status)
	}
	return nil
}
