package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v79/webhook"

	"github.com/onairhq/onair/store"
)

// testWebhookSecret is the harness's STRIPE_WEBHOOK_SECRET.
const testWebhookSecret = "whsec_test_onair"

// stripeEvent is a Stripe event body about an object of the customer.
func stripeEvent(id, typ, customer, subscription string, created time.Time) []byte {
	obj := map[string]any{"object": "invoice", "id": "in_" + id, "customer": customer, "subscription": subscription}
	if typ == "customer.subscription.updated" {
		obj = map[string]any{"object": "subscription", "id": subscription, "customer": customer}
	}
	b, _ := json.Marshal(map[string]any{"id": id, "object": "event", "type": typ, "created": created.Unix(),
		"api_version": "2020-08-27", "data": map[string]any{"object": obj}})
	return b
}

func signed(body []byte, secret string, at time.Time) string {
	return webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: secret, Timestamp: at}).Header
}

func (h *harness) deliver(body []byte, signature string) reply {
	h.t.Helper()
	return h.call("POST", "/v1/billing/stripe-webhook", "", body, "Stripe-Signature", signature, "Content-Type", "application/json")
}

// subscribed puts a fresh workspace on a paid plan and returns its owner,
// customer and subscription ids.
func (h *harness) subscribed(name string) (account, string, string) {
	h.t.Helper()
	owner := h.signup(name)
	h.must(http.StatusOK, "PUT", "/v1/billing/plan", owner.Key, map[string]string{"plan": "pro"})
	ws, err := store.GetWorkspace(context.Background(), h.db, owner.WorkspaceID)
	if err != nil {
		h.t.Fatal(err)
	}
	acc, err := store.GetBillingAccount(context.Background(), h.db, owner.WorkspaceID)
	if err != nil || acc.SubscriptionID == "" {
		h.t.Fatalf("no subscription: %v", err)
	}
	return owner, ws.StripeCustomerID, acc.SubscriptionID
}

// eventually polls cond until it holds (the workflow reacts asynchronously).
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting until %s", what)
}

func (h *harness) setLocalStatus(sub, status string) {
	h.t.Helper()
	if _, err := h.db.NewUpdate().Model((*store.LocalSubscription)(nil)).Set("status = ?", status).Where("id = ?", sub).Exec(context.Background()); err != nil {
		h.t.Fatal(err)
	}
}

func TestStripeWebhookSignatures(t *testing.T) {
	h := sqliteHarness(t)
	_, cus, sub := h.subscribed("Hooked")
	now := time.Now()
	body := stripeEvent("evt_valid1", "customer.subscription.updated", cus, sub, now)

	for name, c := range map[string]struct {
		body []byte
		sig  string
	}{
		"forged signature": {body, signed(body, "whsec_someone_else", now)},
		"tampered body":    {stripeEvent("evt_valid1", "customer.subscription.deleted", cus, sub, now), signed(body, testWebhookSecret, now)},
		"stale timestamp":  {body, signed(body, testWebhookSecret, now.Add(-10*time.Minute))},
		"future timestamp": {body, signed(body, testWebhookSecret, now.Add(time.Hour))},
		"no signature":     {body, ""},
	} {
		t.Run(name, func(t *testing.T) {
			h.t = t
			p := isProblem(t, h.deliver(c.body, c.sig), http.StatusBadRequest)
			if p["type"] != "https://onair.dev/problems/invalid-signature" {
				t.Fatalf("problem %v", p)
			}
		})
	}
	h.t = t
	if n, _ := h.db.NewSelect().Model((*store.BillingEvent)(nil)).Count(context.Background()); n != 0 {
		t.Fatalf("refused events were recorded: %d", n)
	}

	var first, again struct{ Received, Duplicate bool }
	h.must(http.StatusOK, "POST", "/v1/billing/stripe-webhook", "", body, "Stripe-Signature", signed(body, testWebhookSecret, now)).json(t, &first)
	h.must(http.StatusOK, "POST", "/v1/billing/stripe-webhook", "", body, "Stripe-Signature", signed(body, testWebhookSecret, time.Now())).json(t, &again)
	if !first.Received || first.Duplicate || !again.Duplicate {
		t.Fatalf("delivery %+v, replay %+v", first, again)
	}
	if n, _ := h.db.NewSelect().Model((*store.BillingEvent)(nil)).Where("id = ?", "evt_valid1").Count(context.Background()); n != 1 {
		t.Fatalf("event recorded %d times", n)
	}
}

// TestStripeWebhooksOutOfOrderConverge: whatever order invoice events arrive
// in, the workflow re-reads the subscription and ends where the provider is.
func TestStripeWebhooksOutOfOrderConverge(t *testing.T) {
	h := sqliteHarness(t)
	owner, cus, sub := h.subscribed("Out of order")
	t0 := time.Now()
	failed := stripeEvent("evt_failed", "invoice.payment_failed", cus, sub, t0)
	paid := stripeEvent("evt_paid", "invoice.paid", cus, sub, t0.Add(time.Minute))

	// The payment failed, then was paid; Stripe delivers "paid" first.
	h.setLocalStatus(sub, "past_due")
	h.setLocalStatus(sub, "active")
	h.must(http.StatusOK, "POST", "/v1/billing/stripe-webhook", "", paid, "Stripe-Signature", signed(paid, testWebhookSecret, time.Now()))
	h.must(http.StatusOK, "POST", "/v1/billing/stripe-webhook", "", failed, "Stripe-Signature", signed(failed, testWebhookSecret, time.Now()))
	eventually(t, "both events are handled", func() bool {
		n, _ := h.db.NewSelect().Model((*store.BillingEvent)(nil)).Where("workspace_id = ?", owner.WorkspaceID).Count(context.Background())
		return n == 2
	})
	// The late "failed" must not start dunning: the subscription is active.
	h.must(http.StatusOK, "PUT", "/v1/billing/address", owner.Key, billingAddress) // a round trip through the workflow
	if o := h.billing_(owner.Key); o.Subscription.DunningSince != "" || o.Subscription.Status != "active" {
		t.Fatalf("late failure event rolled state back: %+v", o)
	}

	// Now really unpaid: a newer failure starts dunning at once.
	h.setLocalStatus(sub, "past_due")
	again := stripeEvent("evt_failed2", "invoice.payment_failed", cus, sub, t0.Add(2*time.Minute))
	h.must(http.StatusOK, "POST", "/v1/billing/stripe-webhook", "", again, "Stripe-Signature", signed(again, testWebhookSecret, time.Now()))
	eventually(t, "dunning starts", func() bool { return h.billing_(owner.Key).Subscription.DunningSince != "" })
}
