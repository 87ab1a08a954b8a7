package api_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/onairhq/onair/activities"
	"github.com/onairhq/onair/api"
	"github.com/onairhq/onair/mail"
	"github.com/onairhq/onair/outbound"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/worker"
)

// receiver is an integrator's webhook endpoint: a real HTTP server that keeps
// every request it gets and answers with status (200 unless told otherwise).
type receiver struct {
	srv    *httptest.Server
	status atomic.Int32
	// hold, when set, makes the next request wait until it is closed (the
	// request's arrival is announced on held first).
	hold chan struct{}
	held chan struct{}

	mu   sync.Mutex
	got  []hook
	cond *sync.Cond
}

// hook is one request the receiver got.
type hook struct {
	ID, Timestamp, Signature string
	Body                     []byte
	At                       time.Time
}

func (h hook) envelope(t *testing.T) (typ string, data map[string]any) {
	t.Helper()
	var env struct {
		Type string         `json:"type"`
		Data map[string]any `json:"data"`
	}
	if err := json.Unmarshal(h.Body, &env); err != nil {
		t.Fatalf("delivery body %s: %v", h.Body, err)
	}
	return env.Type, env.Data
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{}
	r.cond = sync.NewCond(&r.mu)
	r.status.Store(http.StatusOK)
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		hold, held := r.hold, r.held
		r.hold = nil
		r.got = append(r.got, hook{ID: req.Header.Get("webhook-id"), Timestamp: req.Header.Get("webhook-timestamp"),
			Signature: req.Header.Get("webhook-signature"), Body: body, At: time.Now()})
		r.cond.Broadcast()
		r.mu.Unlock()
		if hold != nil {
			close(held)
			<-hold
		}
		w.WriteHeader(int(r.status.Load()))
	}))
	t.Cleanup(r.srv.Close)
	return r
}

// waitFor waits until the receiver holds a request for which ok holds, and returns it.
func (r *receiver) waitFor(t *testing.T, timeout time.Duration, what string, ok func(hook) bool) hook {
	t.Helper()
	var found *hook
	waitFor(t, timeout, what, func() bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		for i := range r.got {
			if ok(r.got[i]) {
				found = &r.got[i]
				return true
			}
		}
		return false
	})
	return *found
}

// count is how many requests satisfy ok.
func (r *receiver) count(ok func(hook) bool) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, h := range r.got {
		if ok(h) {
			n++
		}
	}
	return n
}

func (r *receiver) requests() []hook {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]hook(nil), r.got...)
}

// verifyStandardWebhook checks a delivery as the Standard Webhooks libraries
// do, written here from the specification and not with onair's signer: the
// secret's base64 key after "whsec_", HMAC-SHA256 over "id.timestamp.body",
// any of the space-separated "v1,<base64>" signatures matching, and a
// timestamp within five minutes.
func verifyStandardWebhook(secret string, h hook) bool {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return false
	}
	ts, err := strconv.ParseInt(h.Timestamp, 10, 64)
	if err != nil || time.Since(time.Unix(ts, 0)).Abs() > 5*time.Minute {
		return false
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(h.ID))
	mac.Write([]byte("."))
	mac.Write([]byte(h.Timestamp))
	mac.Write([]byte("."))
	mac.Write(h.Body)
	want := mac.Sum(nil)
	for _, sig := range strings.Fields(h.Signature) {
		version, b64, ok := strings.Cut(sig, ",")
		got, err := base64.StdEncoding.DecodeString(b64)
		if ok && version == "v1" && err == nil && hmac.Equal(got, want) {
			return true
		}
	}
	return false
}

// webhookHarness is the API and a worker whose webhook relay may reach the
// test's receivers on 127.0.0.1 (apiPolicy and workerPolicy say where URLs may
// point at creation and at connect time) and retries as retry says. startWorker
// starts another worker on the same task queue, as a restarted process would.
func webhookHarness(t *testing.T, db *bun.DB, apiPolicy, workerPolicy outbound.Policy, retry activities.WebhookRetry) (*harness, func() sdkworker.Worker) {
	t.Helper()
	dir := t.TempDir()
	sender, err := mail.NewFileSender(dir, "onair <noreply@onair.test>")
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.DiscardHandler)
	queue := "api-hooks-" + store.NewSecret(6)
	startWorker := func() sdkworker.Worker {
		w, err := worker.New(worker.Params{Client: temporalClient, TaskQueue: queue, Activities: &activities.Activities{
			DB: db, Mail: sender, Log: quiet, PublicURL: "http://onair.test", Links: testLinkKey,
			Webhooks: workerPolicy, WebhookRetry: retry}})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Start(); err != nil {
			t.Fatal(err)
		}
		return w
	}
	s := api.New(api.Params{DB: db, Mail: sender, Log: quiet, Temporal: temporalClient, TaskQueue: queue,
		BaseURL: "http://onair.test", Limits: noLimits(), Webhooks: apiPolicy, LinkKey: testLinkKey})
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return &harness{t: t, srv: srv, db: db, mailDir: dir, queue: queue}, startWorker
}

// webhookSession makes an event and a session to register people to.
func (h *harness) webhookSession(owner account) string {
	h.t.Helper()
	return h.importSession(owner, map[string]any{})
}

// registerGuest registers someone as the organizer and returns the registrant's id.
func (h *harness) registerGuest(owner account, session, email string) string {
	h.t.Helper()
	return h.must(http.StatusCreated, "POST", "/v1/sessions/"+session+"/registrants", owner.Key,
		map[string]any{"email": email, "name": "Guest"}).field(h.t, "id")
}

// deliveries lists an endpoint's deliveries.
func (h *harness) deliveries(key, endpoint string) []store.WebhookDelivery {
	h.t.Helper()
	var page struct{ Data []store.WebhookDelivery }
	h.must(http.StatusOK, "GET", "/v1/webhooks/"+endpoint+"/deliveries?limit=200", key, nil).json(h.t, &page)
	return page.Data
}

func bodyHas(s string) func(hook) bool {
	return func(h hook) bool { return bytes.Contains(h.Body, []byte(s)) }
}
