package api_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/api"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

// serve runs an API built from p over a fresh SQLite store, for tests that need
// other parameters than the harness's or the Server itself.
func serve(t *testing.T, p api.Params) (*harness, *api.Server) {
	t.Helper()
	p.DB = storetest.SQLite(t)
	p.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	s := api.New(p)
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return &harness{t: t, srv: srv, db: p.DB}, s
}

// TestOpenAPIDescribesEveryServedRoute: the served document is OpenAPI 3 and
// lists exactly the routes the Gin engine serves.
func TestOpenAPIDescribesEveryServedRoute(t *testing.T) {
	h, s := serve(t, api.Params{})
	r := h.must(http.StatusOK, "GET", "/openapi.json", "", nil)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("content type %q", ct)
	}
	if !json.Valid(r.Body) {
		t.Fatal("/openapi.json is not valid JSON")
	}
	doc := h.openAPI()
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi %q, want 3.x", doc.OpenAPI)
	}
	var served []string
	for _, op := range h.documentedOps() {
		served = append(served, op.Method+" "+strings.NewReplacer("{", ":", "}", "").Replace(op.Path))
	}
	engine, documented := s.Routes(), s.OpenAPIPaths()
	for _, list := range [][]string{served, engine, documented} {
		slices.Sort(list)
	}
	if len(engine) < 10 || !slices.Equal(engine, documented) || !slices.Equal(engine, served) {
		t.Fatalf("routes differ:\nengine     %v\nOpenAPIPaths %v\nserved doc %v", engine, documented, served)
	}
}

// TestOnlyPublicOperationsWorkWithoutAKey: what the document declares public
// answers without a key, and everything else asks for one.
func TestOnlyPublicOperationsWorkWithoutAKey(t *testing.T) {
	h := sqliteHarness(t)
	public := 0
	for _, op := range h.documentedOps() {
		h.sub(t, op.String(), func(t *testing.T) {
			r := h.call(op.Method, op.WithID(store.NewID("x")), "", map[string]any{})
			if op.Public {
				public++
				if r.Status == http.StatusUnauthorized || r.Status >= 500 {
					t.Fatalf("public operation answered %d: %s", r.Status, r.Body)
				}
				return
			}
			wantUnauthenticated(t, r)
		})
	}
	if public < 4 {
		t.Fatalf("only %d operations are documented as public (security: [])", public)
	}
}

func TestOperationalEndpoints(t *testing.T) {
	h := sqliteHarness(t)
	for _, path := range []string{"/healthz", "/readyz"} {
		if status := h.must(http.StatusOK, "GET", path, "", nil).field(t, "status"); status != "ok" {
			t.Fatalf("%s status %q", path, status)
		}
	}
	metrics := string(h.must(http.StatusOK, "GET", "/metrics", "", nil).Body)
	if want := `onair_http_requests_total{method="GET",route="/healthz",status="200"} 1`; !strings.Contains(metrics, want) {
		t.Fatalf("/metrics lacks %s:\n%s", want, metrics)
	}
}

// TestIdempotencyKeys: a retried creating POST gets the first answer, not a
// second object; the key is refused for another request, and is one person's.
func TestIdempotencyKeys(t *testing.T) {
	h := sqliteHarness(t)
	owner := h.signupTeam("Retries")
	admin := h.join(owner, "admin", false, false)
	body := map[string]any{"key": "company", "label": "Company", "type": "text"}

	first := h.must(http.StatusCreated, "POST", "/v1/attributes", owner.Key, body, "Idempotency-Key", "attr-1")
	again := h.must(http.StatusCreated, "POST", "/v1/attributes", owner.Key, body, "Idempotency-Key", "attr-1")
	if first.Header.Get("Idempotent-Replayed") != "" || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("Idempotent-Replayed: first %q, retry %q", first.Header.Get("Idempotent-Replayed"), again.Header.Get("Idempotent-Replayed"))
	}
	if first.field(t, "id") != again.field(t, "id") || string(first.Body) != string(again.Body) {
		t.Fatalf("retry answered differently:\n%s\n%s", first.Body, again.Body)
	}
	var list struct{ Data []any }
	h.must(http.StatusOK, "GET", "/v1/attributes", owner.Key, nil).json(t, &list)
	if len(list.Data) != 1 {
		t.Fatalf("%d attributes after a retried POST, want 1", len(list.Data))
	}

	other := map[string]any{"key": "country", "label": "Country", "type": "text"}
	wantProblem(t, h.call("POST", "/v1/attributes", owner.Key, other, "Idempotency-Key", "attr-1"), http.StatusUnprocessableEntity, "Idempotency-Key")

	// A refused request does not use up its key.
	wantProblem(t, h.call("POST", "/v1/attributes", owner.Key, map[string]any{"key": "x"}, "Idempotency-Key", "attr-2"), http.StatusBadRequest, "label")
	h.must(http.StatusCreated, "POST", "/v1/attributes", owner.Key, other, "Idempotency-Key", "attr-2")

	// A colleague's key is theirs: the same key and body must not replay the
	// admin's new API key to the owner.
	key := map[string]string{"name": "ci"}
	adminKey := h.must(http.StatusCreated, "POST", "/v1/api-keys", admin.Key, key, "Idempotency-Key", "ci-key")
	ownerKey := h.must(http.StatusCreated, "POST", "/v1/api-keys", owner.Key, key, "Idempotency-Key", "ci-key")
	if ownerKey.Header.Get("Idempotent-Replayed") != "" || ownerKey.field(t, "secret") == adminKey.field(t, "secret") {
		t.Fatalf("the owner was replayed the admin's key: %s", ownerKey.Body)
	}
	if ownerKey.field(t, "user_id") != owner.UserID {
		t.Fatalf("the owner's new key belongs to %s", ownerKey.field(t, "user_id"))
	}
}

// TestCursorPagination walks GET /v1/members two at a time, then every other
// list the same way, and meets each row exactly once.
func TestCursorPagination(t *testing.T) {
	h := sqliteHarness(t)
	owner := h.signupTeam("Pages")
	want := []string{owner.MemberID}
	for range 4 {
		want = append(want, h.join(owner, "member", false, false).MemberID)
	}
	slices.Sort(want)
	if got := h.walk(owner, "/v1/members", 2); !slices.Equal(got, want) {
		t.Fatalf("pages of members: %v, want %v", got, want)
	}
	// A list under an object (an endpoint's deliveries) walks the list of a test endpoint.
	hook := h.must(http.StatusCreated, "POST", "/v1/webhooks", owner.Key, map[string]any{"url": "https://hooks.example.com/pages", "events": []string{"*"}}).field(t, "id")
	for range 3 {
		h.must(http.StatusAccepted, "POST", "/v1/webhooks/"+hook+"/test", owner.Key, nil)
	}
	for _, op := range h.documentedOps() {
		if !op.Paged || op.Method != "GET" {
			continue
		}
		path := op.Path
		if op.HasID() {
			path = op.WithID(hook)
		}
		var all struct{ Data []struct{ ID string } }
		h.must(http.StatusOK, "GET", path+"?limit=200", owner.Key, nil).json(t, &all)
		var ids []string
		for _, row := range all.Data {
			ids = append(ids, row.ID)
		}
		if got := h.walk(owner, path, 2); !slices.Equal(got, ids) {
			t.Errorf("pages of %s: %v, want %v", op.Path, got, ids)
		}
	}
}

// walk follows next_cursor from the first page and returns the ids met.
func (h *harness) walk(by account, path string, limit int) []string {
	h.t.Helper()
	var ids []string
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 100 {
			h.t.Fatalf("%s: pagination does not end", path)
		}
		url := path + "?limit=" + strconv.Itoa(limit)
		if cursor != "" {
			url += "&cursor=" + cursor
		}
		var page struct {
			Data       []struct{ ID string }
			NextCursor string `json:"next_cursor"`
		}
		h.must(http.StatusOK, "GET", url, by.Key, nil).json(h.t, &page)
		if len(page.Data) > limit {
			h.t.Fatalf("%s: page of %d rows, limit %d", url, len(page.Data), limit)
		}
		for _, row := range page.Data {
			if slices.Contains(ids, row.ID) {
				h.t.Fatalf("%s: %s seen twice", path, row.ID)
			}
			ids = append(ids, row.ID)
		}
		if page.NextCursor == "" {
			return ids
		}
		cursor = page.NextCursor
	}
}

func signupBody() map[string]string {
	return map[string]string{"workspace_name": "Burst", "name": "Ann", "email": newAddress("burst")}
}

// signupOnly is the sign-up limit at one a minute after a burst of 10 (the default burst).
var signupOnly = api.RateLimits{Signup: api.Rate{PerMinute: 1, Burst: 10}}

// TestSignupThrottle: a client gets a burst of 10 sign-ups, then 429 problems,
// whatever X-Forwarded-For it claims; invitation accepts share its bucket.
func TestSignupThrottle(t *testing.T) {
	h, _ := serve(t, api.Params{Limits: signupOnly})
	var key string
	for range 10 {
		key = h.must(http.StatusCreated, "POST", "/v1/signup", "", signupBody()).field(t, "api_key", "secret")
	}
	for _, forwarded := range []string{"", "203.0.113.7", "198.51.100.1, 203.0.113.8"} {
		r := h.call("POST", "/v1/signup", "", signupBody(), "X-Forwarded-For", forwarded)
		wantProblem(t, r, http.StatusTooManyRequests, "")
		if r.Header.Get("Retry-After") == "" {
			t.Fatal("429 without Retry-After")
		}
	}
	wantProblem(t, h.call("POST", "/v1/invitations/accept", "", map[string]string{"token": "inv_x", "name": "Ann"}), http.StatusTooManyRequests, "")
	h.must(http.StatusOK, "GET", "/v1/workspace", key, nil) // authenticated routes are limited per key, not by address
}

// TestThrottleBehindATrustedProxy: behind a proxy the API is told to trust,
// each forwarded client gets a bucket of its own.
func TestThrottleBehindATrustedProxy(t *testing.T) {
	h, _ := serve(t, api.Params{Limits: signupOnly, TrustedProxies: []string{"127.0.0.1/32", "::1/128"}})
	for range 10 {
		h.must(http.StatusCreated, "POST", "/v1/signup", "", signupBody(), "X-Forwarded-For", "203.0.113.7")
	}
	wantProblem(t, h.call("POST", "/v1/signup", "", signupBody(), "X-Forwarded-For", "203.0.113.7"), http.StatusTooManyRequests, "")
	h.must(http.StatusCreated, "POST", "/v1/signup", "", signupBody(), "X-Forwarded-For", "203.0.113.9")
}

// TestConcurrentRetriesCreateOnce: the same creating POST sent many times at
// once with one Idempotency-Key makes exactly one object; the others are
// replayed the answer or told the first is still in progress.
func TestConcurrentRetriesCreateOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		h := newHarness(t, db)
		owner := h.signupTeam("Racing")
		body := map[string]any{"url": "https://hooks.example.com/race", "events": []string{"*"}}
		const n = 8
		statuses := make(chan int, n)
		var wg sync.WaitGroup
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses <- h.callQuiet("POST", "/v1/webhooks", owner.Key, body, "Idempotency-Key", "race-1")
			}()
		}
		wg.Wait()
		close(statuses)
		for s := range statuses {
			if s != http.StatusCreated && s != http.StatusConflict {
				t.Fatalf("concurrent retry answered %d", s)
			}
		}
		var list struct{ Data []any }
		h.must(http.StatusOK, "GET", "/v1/webhooks", owner.Key, nil).json(t, &list)
		if len(list.Data) != 1 {
			t.Fatalf("%d webhooks after %d concurrent retries, want 1", len(list.Data), n)
		}
	})
}
