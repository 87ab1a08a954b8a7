package api_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/onairhq/onair/api"
	"github.com/onairhq/onair/store/storetest"
	"github.com/onairhq/onair/tracing"
)

// TestRequestIDInHeaderProblemAndLogs: every answer carries an X-Request-Id, a problem
// document carries the same id as request_id, and the request's log line too. A trusted
// proxy's id is kept, so the load balancer's logs and ours agree; anyone else's, or a
// malformed one, is replaced by a fresh id.
func TestRequestIDInHeaderProblemAndLogs(t *testing.T) {
	var logs bytes.Buffer
	srv := api.New(api.Params{DB: storetest.SQLite(t), BaseURL: "http://onair.test", TrustedProxies: []string{"10.0.0.0/8"},
		Log: slog.New(tracing.LogHandler(slog.NewJSONHandler(&logs, nil)))})
	for _, tc := range []struct {
		name, peer, sent string
		kept             bool
	}{
		{name: "none sent", peer: "192.0.2.7:4000"},
		{name: "from a trusted proxy", peer: "10.1.2.3:4000", sent: "lb-7f3a9c", kept: true},
		{name: "from a client", peer: "192.0.2.7:4000", sent: "spoofed-id"},
		{name: "malformed from a trusted proxy", peer: "10.1.2.3:4000", sent: "two words"},
		{name: "too long from a trusted proxy", peer: "10.1.2.3:4000", sent: strings.Repeat("x", 200)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			logs.Reset()
			req := httptest.NewRequest(http.MethodGet, "/v1/events", nil) // no API key: a 401 problem
			req.RemoteAddr = tc.peer
			if tc.sent != "" {
				req.Header.Set("X-Request-Id", tc.sent)
			}
			rec := httptest.NewRecorder()
			srv.Handler().ServeHTTP(rec, req)
			id := rec.Header().Get("X-Request-Id")
			switch {
			case tc.kept && id != tc.sent:
				t.Fatalf("X-Request-Id %q, want the trusted proxy's %q", id, tc.sent)
			case !tc.kept && (id == "" || id == tc.sent):
				t.Fatalf("X-Request-Id %q, want a fresh id instead of %q", id, tc.sent)
			}
			var problem struct {
				Status    int    `json:"status"`
				RequestID string `json:"request_id"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &problem); err != nil || problem.Status != http.StatusUnauthorized {
				t.Fatalf("answer %d %s, want a 401 problem", rec.Code, rec.Body)
			}
			if problem.RequestID != id {
				t.Errorf("problem request_id %q, want the X-Request-Id %q", problem.RequestID, id)
			}
			var line struct {
				Msg       string `json:"msg"`
				RequestID string `json:"request_id"`
			}
			if err := json.Unmarshal(logs.Bytes(), &line); err != nil || line.Msg != "http request" || line.RequestID != id {
				t.Errorf("log line %s, want the request's with request_id %q", logs.Bytes(), id)
			}
		})
	}
}
