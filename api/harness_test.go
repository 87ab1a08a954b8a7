package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/activities"
	"github.com/onairhq/onair/api"
	"github.com/onairhq/onair/billing"
	"github.com/onairhq/onair/mail"
	"github.com/onairhq/onair/media/mediatest"
	"github.com/onairhq/onair/media/placement"
	"github.com/onairhq/onair/outbound"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
	"github.com/onairhq/onair/worker"
)

// harness is the real HTTP stack over a real store, with e-mails written as
// .eml files the test reads back.
type harness struct {
	t       *testing.T
	srv     *httptest.Server
	db      *bun.DB
	mailDir string
	billing *billing.Local
	queue   string // the task queue its worker polls
}

func newHarness(t *testing.T, db *bun.DB) *harness { return newHarnessOn(t, db, nil) }

// testLinkKey is the API's and the workers' ONAIR_LINK_KEY in tests: a fixed random value.
var testLinkKey = store.LinkKey("4f1c9a7e2b8d0c6f5a3e9b1d7c2f8a40e6b3d9c1f7a2e8b4")

// newHarnessOn is newHarness whose API and workers reach the media node (nil: join tokens
// name testMediaURL, where nothing listens).
func newHarnessOn(t *testing.T, db *bun.DB, node *mediaNode) *harness {
	return newLimitedHarness(t, db, node, noLimits())
}

// noLimits sizes every rate limit so that no test meets it; ratelimit_test.go and
// conventions_test.go check the real ones on servers of their own.
func noLimits() api.RateLimits {
	unlimited := api.Rate{PerMinute: 1 << 30, Burst: 1 << 30}
	return api.RateLimits{Signup: unlimited, EventPage: unlimited, Registration: unlimited, SessionRegistration: unlimited,
		Link: unlimited, LinkFailures: unlimited, APIKey: unlimited, KeyFailures: unlimited}
}

// newLimitedHarness is newHarnessOn with these rate limits.
func newLimitedHarness(t *testing.T, db *bun.DB, node *mediaNode, limits api.RateLimits) *harness {
	t.Helper()
	mediaURL, mediaSecret := testMediaURL, testMediaSecret
	if node != nil {
		mediaURL, mediaSecret = node.srv.URL, node.secret
	}
	// The API names the node in join tokens; workers reach it only when it exists.
	nodes := mediatest.RegisterNode(t, db, mediaURL, mediaSecret)
	var control *placement.Nodes
	if node != nil {
		control = nodes
	}
	dir := t.TempDir()
	sender, err := mail.NewFileSender(dir, "onair <noreply@onair.test>")
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.DiscardHandler)
	queue := "api-test-" + store.NewSecret(6)
	local := billing.NewLocal(db)
	w, err := worker.New(worker.Params{Client: temporalClient, TaskQueue: queue,
		Activities: &activities.Activities{DB: db, Mail: sender, Log: quiet, Billing: local, Media: control, Links: testLinkKey}})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	s := api.New(api.Params{DB: db, Mail: sender, Log: quiet, Temporal: temporalClient, TaskQueue: queue,
		Billing: local, StripeWebhookSecret: testWebhookSecret, BaseURL: "http://onair.test", Limits: limits,
		MediaSecret: mediaSecret, Media: nodes, Webhooks: outbound.Policy{Resolver: testDNS}, LinkKey: testLinkKey})
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	if node != nil {
		u, err := url.Parse(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		node.api.Store(u)
	}
	return &harness{t: t, srv: srv, db: db, mailDir: dir, billing: local, queue: queue}
}

func sqliteHarness(t *testing.T) *harness { return newHarness(t, storetest.SQLite(t)) }

type reply struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r reply) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

func (r reply) field(t *testing.T, path ...string) string {
	t.Helper()
	var v any
	r.json(t, &v)
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("no %v in %s", path, r.Body)
		}
		v = m[p]
	}
	s, _ := v.(string)
	return s
}

// call sends a request; body may be nil, a []byte (sent raw) or a value sent as JSON.
func (h *harness) call(method, path, key string, body any, headers ...string) reply {
	h.t.Helper()
	var sent []byte
	contentType := ""
	switch b := body.(type) {
	case nil:
	case []byte:
		sent = b
	case string:
		sent, contentType = []byte(b), "application/json"
	default:
		data, err := json.Marshal(b)
		if err != nil {
			h.t.Fatal(err)
		}
		sent, contentType = data, "application/json"
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(sent)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, h.srv.URL+path, rd)
	if err != nil {
		h.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := h.srv.Client().Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	r := reply{Status: res.StatusCode, Header: res.Header, Body: data}
	if final := res.Request; final.URL.String() != req.URL.String() {
		h.checkContract(final, nil, r) // the answer is the redirect's target's
	} else {
		h.checkContract(req, sent, r)
	}
	return r
}

// must asserts the status and returns the reply.
func (h *harness) must(status int, method, path, key string, body any, headers ...string) reply {
	h.t.Helper()
	r := h.call(method, path, key, body, headers...)
	if r.Status != status {
		h.t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.Status, status, r.Body)
	}
	return r
}

// account is one person in a workspace, with the key to act as them.
type account struct {
	Key, MemberID, UserID, WorkspaceID string
}

// signupTeam creates a workspace with room for a team: the Free plan is single-host
// (max_hosts 1), so it moves to Business (paid through the local provider).
func (h *harness) signupTeam(name string) account {
	h.t.Helper()
	a := h.signup(name)
	h.must(http.StatusOK, "PUT", "/v1/billing/plan", a.Key, map[string]string{"plan": "business"})
	return a
}

// signup creates a workspace on the Free plan, as the public sign-up does.
func (h *harness) signup(name string) account {
	h.t.Helper()
	r := h.must(http.StatusCreated, "POST", "/v1/signup", "", map[string]string{
		"workspace_name": name, "name": "Owner of " + name, "email": strings.ToLower(store.NewSecret(5)) + "@example.com",
	})
	return account{Key: r.field(h.t, "api_key", "secret"), MemberID: r.field(h.t, "member", "id"),
		UserID: r.field(h.t, "member", "user_id"), WorkspaceID: r.field(h.t, "workspace", "id")}
}

var tokenPattern = regexp.MustCompile(`inv_[0-9a-z]{30,}`)

// lastToken reads the invitation token from the newest e-mail to addr that has one.
func (h *harness) lastToken(addr string) string {
	h.t.Helper()
	for _, m := range h.mailbox(addr) {
		if tok := tokenPattern.FindString(m.text); tok != "" {
			return tok
		}
	}
	h.t.Fatalf("no invitation e-mail to %s in %s", addr, h.mailDir)
	return ""
}

// join invites someone as role through the API, accepts from the e-mail, and
// applies the flags with the owner's key.
func (h *harness) join(owner account, role string, billing, licence bool) account {
	h.t.Helper()
	email := strings.ToLower(store.NewSecret(5)) + "@example.com"
	h.must(http.StatusCreated, "POST", "/v1/invitations", owner.Key, map[string]string{"email": email, "role": role})
	r := h.must(http.StatusCreated, "POST", "/v1/invitations/accept", "", map[string]string{"token": h.lastToken(email), "name": "Person " + role})
	a := account{Key: r.field(h.t, "api_key", "secret"), MemberID: r.field(h.t, "member", "id"),
		UserID: r.field(h.t, "member", "user_id"), WorkspaceID: owner.WorkspaceID}
	if billing || licence {
		h.must(http.StatusOK, "PATCH", "/v1/members/"+a.MemberID, owner.Key, map[string]bool{"billing_contact": billing, "host_licence": licence})
	}
	return a
}

// isProblem asserts an error reply is an RFC 9457 application/problem+json
// document with this status and a non-empty type and title.
func isProblem(t *testing.T, r reply, status int) map[string]any {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("content type %q for %d: %s", ct, r.Status, r.Body)
	}
	var p map[string]any
	r.json(t, &p)
	for _, k := range []string{"type", "title"} {
		if s, _ := p[k].(string); s == "" {
			t.Fatalf("problem without %q: %s", k, r.Body)
		}
	}
	if n, _ := p["status"].(float64); int(n) != status {
		t.Fatalf("problem status %v, want %d: %s", p["status"], status, r.Body)
	}
	return p
}

// callQuiet is call for goroutines: it reports transport errors as status 0
// instead of stopping the test from a goroutine that is not the test's.
func (h *harness) callQuiet(method, path, key string, body any, headers ...string) int {
	data, _ := json.Marshal(body)
	req, err := http.NewRequest(method, h.srv.URL+path, bytes.NewReader(data))
	if err != nil {
		return 0
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := h.srv.Client().Do(req)
	if err != nil {
		return 0
	}
	res.Body.Close()
	return res.StatusCode
}
