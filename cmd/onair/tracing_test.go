package main

import (
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/onairhq/onair/mail/mailtest"
)

// collectedSpan is what the test collector keeps of a span.
type collectedSpan struct {
	Name, Service, TraceID, SpanID, ParentID string
	RequestID                                string // the onair.request_id attribute
}

// otlpCollector is an OTLP/HTTP collector: it decodes the protobuf export requests an
// exporter POSTs to /v1/traces and keeps their spans.
type otlpCollector struct {
	srv   *httptest.Server
	mu    sync.Mutex
	spans []collectedSpan
}

func startCollector(t *testing.T) *otlpCollector {
	t.Helper()
	c := &otlpCollector{}
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/traces" || r.Header.Get("Content-Type") != "application/x-protobuf" {
			http.Error(w, "not an OTLP/HTTP protobuf trace export", http.StatusBadRequest)
			return
		}
		body, err := io.ReadAll(r.Body)
		var req collectortrace.ExportTraceServiceRequest
		if err == nil {
			err = proto.Unmarshal(body, &req)
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		c.mu.Lock()
		for _, rs := range req.GetResourceSpans() {
			service := ""
			for _, kv := range rs.GetResource().GetAttributes() {
				if kv.GetKey() == "service.name" {
					service = kv.GetValue().GetStringValue()
				}
			}
			for _, ss := range rs.GetScopeSpans() {
				for _, s := range ss.GetSpans() {
					span := collectedSpan{Name: s.GetName(), Service: service,
						TraceID: hex.EncodeToString(s.GetTraceId()), SpanID: hex.EncodeToString(s.GetSpanId()),
						ParentID: hex.EncodeToString(s.GetParentSpanId())}
					for _, kv := range s.GetAttributes() {
						if kv.GetKey() == "onair.request_id" {
							span.RequestID = kv.GetValue().GetStringValue()
						}
					}
					c.spans = append(c.spans, span)
				}
			}
		}
		c.mu.Unlock()
		out, _ := proto.Marshal(&collectortrace.ExportTraceServiceResponse{})
		w.Header().Set("Content-Type", "application/x-protobuf")
		_, _ = w.Write(out)
	}))
	t.Cleanup(c.srv.Close)
	return c
}

func (c *otlpCollector) snapshot() []collectedSpan {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]collectedSpan(nil), c.spans...)
}

// find returns the first span match accepts within d, or false.
func (c *otlpCollector) find(match func(collectedSpan) bool, d time.Duration) (collectedSpan, bool) {
	for deadline := time.Now().Add(d); ; time.Sleep(100 * time.Millisecond) {
		for _, s := range c.snapshot() {
			if match(s) {
				return s, true
			}
		}
		if time.Now().After(deadline) {
			return collectedSpan{}, false
		}
	}
}

// await returns the first span match accepts, failing the test after a minute.
func (c *otlpCollector) await(t *testing.T, what string, match func(collectedSpan) bool) collectedSpan {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		for _, s := range c.snapshot() {
			if match(s) {
				return s
			}
		}
		if time.Now().After(deadline) {
			var names []string
			for _, s := range c.snapshot() {
				names = append(names, s.Name+" ["+s.TraceID[:8]+"]")
			}
			t.Fatalf("no %s among the %d spans collected: %s", what, len(names), strings.Join(names, ", "))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestOneRegistrationIsOneTraceFromRequestToSMTP runs `onair dev` exporting to an in-test
// OTLP collector and sending mail to a real SMTP server: a registration's trace holds the
// HTTP request's span, the delivery relay's activity that sent the confirmation and the SMTP
// send under it. The second registration is the one that matters: the relay is already
// running, started by the first, and only its kick signal carries the second's trace.
func TestOneRegistrationIsOneTraceFromRequestToSMTP(t *testing.T) {
	collector := startCollector(t)
	t.Setenv("OTEL_BSP_SCHEDULE_DELAY", "100") // export within 0.1 s rather than 5 s
	smtp := &mailtest.Backend{}
	smtpAddr, _ := mailtest.Start(t, smtp, mailtest.Plain)
	dir := t.TempDir()
	httpAddr := freeAddr(t)
	cfg := config{
		HTTPAddr: httpAddr, PublicURL: "http://" + httpAddr, DataDir: dir,
		TemporalAddress: freeAddr(t), TemporalNamespace: "default", UIAddr: freeAddr(t), MetricsAddr: freeAddr(t),
		SMTPURL: "smtp://" + smtpAddr + "?tls=none", MailFrom: "onair <noreply@onair.test>", LogLevel: "warn", LogFormat: "text",
		Telemetry: telemetrySettings{Endpoint: collector.srv.URL},
	}
	dev := startDev(t, cfg)
	defer dev.shutdown(t)
	bootstrap, err := os.ReadFile(filepath.Join(dir, bootstrapKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	key := strings.TrimSpace(string(bootstrap))
	status, ev := send(t, "POST", cfg.PublicURL+"/v1/events", key, map[string]any{"title": "Traced"})
	if status != http.StatusCreated {
		t.Fatalf("create event: %d %v", status, ev)
	}
	status, ses := send(t, "POST", cfg.PublicURL+"/v1/events/"+ev["id"].(string)+"/sessions", key,
		map[string]any{"starts_at": time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339), "duration_minutes": 15, "timezone": "UTC"})
	if status != http.StatusCreated {
		t.Fatalf("create session: %d %v", status, ses)
	}
	registrants := cfg.PublicURL + "/v1/sessions/" + ses["id"].(string) + "/registrants"

	// The relay also sweeps every 30 s: a sweep that happens to run between a registration's
	// commit and its kick sends that confirmation in a trace of its own. That is not the path
	// under test, so the next person registers; every one failing means the kick lost the trace.
	kicked := 0
	for i, email := range []string{"ann@example.test", "bob@example.test", "cleo@example.test", "dan@example.test"} {
		requestID := register(t, registrants, key, email)
		request := collector.await(t, "server span of request "+requestID, func(s collectedSpan) bool {
			return s.RequestID == requestID && s.Name == "POST /v1/sessions/:id/registrants" && s.Service == "onair-dev"
		})
		inTrace := func(name string) func(collectedSpan) bool {
			return func(s collectedSpan) bool { return s.TraceID == request.TraceID && s.Name == name }
		}
		awaitMail(t, smtp, email)
		sent, ok := collector.find(inTrace("smtp send"), 10*time.Second)
		if !ok {
			t.Logf("%s's confirmation went out with a sweep before its kick", email)
			continue
		}
		activity := collector.await(t, "relay activity in "+email+"'s registration trace", inTrace("RunActivity:SendPendingDeliveries"))
		if sent.ParentID != activity.SpanID {
			t.Errorf("%s: the SMTP span's parent is %s, want the relay activity's span %s", email, sent.ParentID, activity.SpanID)
		}
		if i > 0 { // the relay was already running: only the kick carried this trace
			kicked++
			break
		}
	}
	if kicked == 0 {
		var names []string
		for _, s := range collector.snapshot() {
			names = append(names, s.Name+" ["+s.TraceID[:8]+"]")
		}
		t.Fatalf("no registration after the first had its SMTP send in its own trace: %s", strings.Join(names, ", "))
	}
}

// register signs email up for the session and returns the request's X-Request-Id.
func register(t *testing.T, url, key, email string) string {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(`{"email":"`+email+`","name":"Guest"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusCreated || res.Header.Get("X-Request-Id") == "" {
		t.Fatalf("register %s: %d, X-Request-Id %q", email, res.StatusCode, res.Header.Get("X-Request-Id"))
	}
	return res.Header.Get("X-Request-Id")
}

// awaitMail waits for the one confirmation to reach to over SMTP.
func awaitMail(t *testing.T, smtp *mailtest.Backend, to string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		n := 0
		for _, m := range smtp.Messages() {
			if len(m.To) == 1 && m.To[0] == to {
				n++
			}
		}
		if n == 1 {
			return
		}
		if n > 1 || time.Now().After(deadline) {
			t.Fatalf("%d e-mails reached %s over SMTP, want the one confirmation", n, to)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
