package billing_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onairhq/onair/billing"
)

// stripeMock starts the stripe-mock pinned as a Go tool in go.mod (`go tool
// -n` builds it and prints its path, so the test kills the server itself, not
// a go command wrapping it) on free ports, and returns its URL once it answers.
func stripeMock(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "tool", "-n", "stripe-mock").Output()
	if err != nil {
		t.Fatalf("build stripe-mock: %v", err)
	}
	addr, tlsAddr := freeAddr(t), freeAddr(t)
	cmd := exec.Command(strings.TrimSpace(string(out)), "-http-addr", addr, "-https-addr", tlsAddr)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatalf("start stripe-mock: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	base := "http://" + addr
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if res, err := http.Get(base + "/v1/customers/cus_x"); err == nil {
			res.Body.Close()
			return base
		}
	}
	t.Fatal("stripe-mock did not answer")
	return ""
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// seen is one request the adapter sent.
type seen struct {
	Method, Path, Key string
	Form              url.Values
}

type recorder struct {
	mu   sync.Mutex
	reqs []seen
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	s := seen{Method: req.Method, Path: req.URL.Path, Key: req.Header.Get("Idempotency-Key")}
	if req.Body != nil {
		body, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(strings.NewReader(string(body)))
		s.Form, _ = url.ParseQuery(string(body))
	}
	if req.Method == http.MethodGet {
		s.Form = req.URL.Query()
	}
	res, err := http.DefaultTransport.RoundTrip(req)
	r.mu.Lock()
	r.reqs = append(r.reqs, s)
	r.mu.Unlock()
	return res, err
}

func (r *recorder) last(method, path string) seen {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.reqs) - 1; i >= 0; i-- {
		if r.reqs[i].Method == method && strings.HasPrefix(r.reqs[i].Path, path) {
			return r.reqs[i]
		}
	}
	return seen{}
}

func TestStripeAdapterAgainstStripeMock(t *testing.T) {
	rec := &recorder{}
	s := billing.NewStripe(billing.StripeParams{SecretKey: "sk_test_123", URL: stripeMock(t), HTTPClient: &http.Client{Transport: rec}})
	ctx := context.Background()

	cus, err := s.CreateCustomer(ctx, billing.CustomerParams{WorkspaceID: "ws_1", Name: "Acme", Email: "bill@acme.test", IdempotencyKey: "subscription:ws_1/customer/1"})
	if err != nil || cus == "" {
		t.Fatalf("create customer: %q %v", cus, err)
	}
	r := rec.last("POST", "/v1/customers")
	if r.Key != "subscription:ws_1/customer/1" || r.Form.Get("metadata[workspace_id]") != "ws_1" || r.Form.Get("email") != "bill@acme.test" {
		t.Fatalf("create customer sent %+v", r)
	}

	sub, err := s.CreateSubscription(ctx, billing.SubscriptionParams{CustomerID: cus, WorkspaceID: "ws_1",
		PriceLookupKey: "onair_team_licence_monthly", Quantity: 3, IdempotencyKey: "subscription:ws_1/create/2"})
	if err != nil || sub.ID == "" {
		t.Fatalf("create subscription: %+v %v", sub, err)
	}
	if r := rec.last("GET", "/v1/prices"); r.Form.Get("lookup_keys[0]") != "onair_team_licence_monthly" {
		t.Fatalf("price lookup sent %+v", r)
	}
	r = rec.last("POST", "/v1/subscriptions")
	if r.Key != "subscription:ws_1/create/2" || r.Form.Get("customer") != cus || r.Form.Get("items[0][quantity]") != "3" ||
		r.Form.Get("items[0][price]") == "" || r.Form.Get("payment_behavior") != "error_if_incomplete" {
		t.Fatalf("create subscription sent %+v", r)
	}

	_, err = s.UpdateSubscription(ctx, billing.SubscriptionChange{SubscriptionID: sub.ID, PriceLookupKey: "onair_business_monthly",
		ProrateNow: true, IdempotencyKey: "subscription:ws_1/plan/3"})
	if err != nil {
		t.Fatalf("upgrade: %v", err)
	}
	r = rec.last("POST", "/v1/subscriptions/"+sub.ID)
	if r.Key != "subscription:ws_1/plan/3" || r.Form.Get("proration_behavior") != "always_invoice" || r.Form.Get("items[0][id]") == "" {
		t.Fatalf("upgrade sent %+v", r)
	}
	_, err = s.UpdateSubscription(ctx, billing.SubscriptionChange{SubscriptionID: sub.ID, Quantity: 2, IdempotencyKey: "subscription:ws_1/seats/4"})
	if err != nil {
		t.Fatalf("seats down: %v", err)
	}
	r = rec.last("POST", "/v1/subscriptions/"+sub.ID)
	if r.Form.Get("proration_behavior") != "none" || r.Form.Get("items[0][quantity]") != "2" || r.Key != "subscription:ws_1/seats/4" {
		t.Fatalf("seats down sent %+v", r)
	}
	yes := true
	if _, err := s.UpdateSubscription(ctx, billing.SubscriptionChange{SubscriptionID: sub.ID, CancelAtPeriodEnd: &yes, IdempotencyKey: "k5"}); err != nil {
		t.Fatal(err)
	}
	if r := rec.last("POST", "/v1/subscriptions/"+sub.ID); r.Form.Get("cancel_at_period_end") != "true" || r.Form.Has("items[0][id]") {
		t.Fatalf("cancel at period end sent %+v", r)
	}
	if _, err := s.CancelSubscription(ctx, sub.ID, "k6"); err != nil {
		t.Fatal(err)
	}
	if r := rec.last("DELETE", "/v1/subscriptions/"+sub.ID); r.Key != "k6" {
		t.Fatalf("cancel sent %+v", r)
	}
	if err := s.UpdateAddress(ctx, cus, billing.Address{Line1: "1 Main St", City: "Lyon", PostalCode: "69001", Country: "FR"}, "k7"); err != nil {
		t.Fatal(err)
	}
	if r := rec.last("POST", "/v1/customers/"+cus); r.Form.Get("address[country]") != "FR" || r.Key != "k7" {
		t.Fatalf("address sent %+v", r)
	}
	secret, err := s.SetupIntent(ctx, cus, "k8")
	if err != nil || secret == "" {
		t.Fatalf("setup intent: %q %v", secret, err)
	}
	if r := rec.last("POST", "/v1/setup_intents"); r.Form.Get("customer") != cus || r.Form.Get("usage") != "off_session" || r.Key != "k8" {
		t.Fatalf("setup intent sent %+v", r)
	}
	if u, err := s.PortalURL(ctx, cus, "https://app.onair.test/billing"); err != nil || u == "" {
		t.Fatalf("portal: %q %v", u, err)
	}
	if _, err := s.ListInvoices(ctx, cus); err != nil {
		t.Fatal(err)
	}
	if r := rec.last("GET", "/v1/invoices"); r.Form.Get("customer") != cus {
		t.Fatalf("list invoices sent %+v", r)
	}
}

// TestStripeAdapterSortsErrors: a declined card is final and carries Stripe's
// decline code; a 5xx stays retryable (stripe-mock cannot decline cards, so a
// stub answers with Stripe's documented error bodies).
func TestStripeAdapterSortsErrors(t *testing.T) {
	status, body := 0, ""
	stub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	defer stub.Close()
	s := billing.NewStripe(billing.StripeParams{SecretKey: "sk_test_123", URL: stub.URL})
	change := billing.SubscriptionChange{SubscriptionID: "sub_1", CancelAtPeriodEnd: new(bool), IdempotencyKey: "k"}

	status, body = 402, `{"error":{"type":"card_error","code":"card_declined","decline_code":"insufficient_funds","message":"Your card has insufficient funds."}}`
	_, err := s.UpdateSubscription(context.Background(), change)
	var declined *billing.CardDeclinedError
	if !errors.As(err, &declined) || declined.Reason != "insufficient_funds" {
		t.Fatalf("402: %v, want a CardDeclinedError with the decline code", err)
	}
	status, body = 400, `{"error":{"type":"invalid_request_error","message":"No such subscription"}}`
	_, err = s.UpdateSubscription(context.Background(), change)
	var invalid *billing.InvalidRequestError
	if !errors.As(err, &invalid) {
		t.Fatalf("400: %v, want an InvalidRequestError", err)
	}
	status, body = 503, `{"error":{"type":"api_error","message":"try later"}}`
	_, err = s.UpdateSubscription(context.Background(), change)
	if err == nil || errors.As(err, &declined) || errors.As(err, &invalid) {
		t.Fatalf("503: %v, want a plain (retryable) error", err)
	}
}
