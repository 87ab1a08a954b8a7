package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestHealthcheckFollowsTheAnswer: `onair healthcheck` passes on a 2xx and fails otherwise,
// at ONAIR_HEALTHCHECK_URL or, unset, the API's /readyz on ONAIR_HTTP_ADDR's port.
func TestHealthcheckFollowsTheAnswer(t *testing.T) {
	ready := true
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !ready || r.URL.Path != "/readyz" {
			http.Error(w, "not ready", http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	t.Setenv("ONAIR_HEALTHCHECK_URL", "")
	if err := runHealthcheck(context.Background(), config{HTTPAddr: ":" + port}); err != nil {
		t.Fatalf("ready API: %v", err)
	}
	ready = false
	if err := runHealthcheck(context.Background(), config{HTTPAddr: ":" + port}); err == nil {
		t.Fatal("API answering 503: the health check passed")
	}
	ready = true
	t.Setenv("ONAIR_HEALTHCHECK_URL", srv.URL+"/metrics")
	if err := runHealthcheck(context.Background(), config{}); err == nil {
		t.Fatal("ONAIR_HEALTHCHECK_URL answering 503: the health check passed")
	}
}
