package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/onairhq/onair/activities"
	"github.com/onairhq/onair/outbound"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

// devPolicy is ONAIR_WEBHOOKS_ALLOW_PRIVATE=true: the receivers run on 127.0.0.1.
var devPolicy = outbound.Policy{AllowPrivate: true}

// fastRetry retries a failing receiver within a second, and gives up after a minute.
var fastRetry = activities.WebhookRetry{First: 200 * time.Millisecond, Max: time.Second, GiveUpAfter: time.Minute}

// createHook adds an endpoint for these events and returns its id and secret.
func (h *harness) createHook(owner account, url string, events ...string) (string, string) {
	h.t.Helper()
	r := h.must(http.StatusCreated, "POST", "/v1/webhooks", owner.Key, map[string]any{"url": url, "events": events})
	return r.field(h.t, "id"), r.field(h.t, "secret")
}

// TestWebhookDeliveredSignedRetriedAndRotated: a registration reaches the
// receiver within seconds, signed so that an independent Standard Webhooks
// check accepts it; a receiver answering 500 gets the same event (same
// webhook-id) again once it recovers, later events waiting behind it; the
// delivery log shows the attempts; after a secret rotation deliveries carry
// signatures that both the old and the new secret verify.
func TestWebhookDeliveredSignedRetriedAndRotated(t *testing.T) {
	h, startWorker := webhookHarness(t, storetest.Postgres(t), devPolicy, devPolicy, fastRetry)
	defer startWorker().Stop()
	rcv := newReceiver(t)
	owner := h.signup("Hooked")
	hookID, secret := h.createHook(owner, rcv.srv.URL+"/onair", "registrant.created", "registrant.cancelled")
	session := h.webhookSession(owner)

	registered := time.Now()
	ada := h.registerGuest(owner, session, "ada@example.com")
	got := rcv.waitFor(t, 10*time.Second, "registrant.created for ada", bodyHas(ada))
	if took := got.At.Sub(registered); took > 5*time.Second {
		t.Errorf("registrant.created arrived %s after the registration", took)
	}
	if !verifyStandardWebhook(secret, got) {
		t.Fatalf("signature %q does not verify with the endpoint's secret", got.Signature)
	}
	if typ, data := got.envelope(t); typ != "registrant.created" || data["email"] != "ada@example.com" || data["session_id"] != session {
		t.Fatalf("delivered %s %v", typ, data)
	}
	if !strings.HasPrefix(got.ID, "msg_") {
		t.Errorf("webhook-id %q", got.ID)
	}

	// The receiver fails for a while: the event comes again, and the next one
	// only after it.
	rcv.status.Store(http.StatusInternalServerError)
	bob := h.registerGuest(owner, session, "bob@example.com")
	h.must(http.StatusOK, "POST", "/v1/registrants/"+bob+"/cancel", owner.Key, nil)
	waitFor(t, 20*time.Second, "three attempts at bob's registration", func() bool { return rcv.count(bodyHas(bob)) >= 3 })
	first := rcv.waitFor(t, time.Second, "bob's first attempt", bodyHas(bob))
	if n := rcv.count(func(x hook) bool { return strings.Contains(string(x.Body), "registrant.cancelled") }); n != 0 {
		t.Fatalf("registrant.cancelled was sent %d times while registrant.created still failed", n)
	}
	rcv.status.Store(http.StatusOK)
	cancelled := rcv.waitFor(t, 20*time.Second, "registrant.cancelled for bob", func(x hook) bool {
		return strings.Contains(string(x.Body), `"registrant.cancelled"`)
	})
	var last hook
	for _, x := range rcv.requests() {
		if strings.Contains(string(x.Body), bob) && strings.Contains(string(x.Body), `"registrant.created"`) {
			last = x
		}
	}
	if last.ID != first.ID || !verifyStandardWebhook(secret, last) || !last.At.Before(cancelled.At) {
		t.Fatalf("retried delivery id %s (first %s), verified %v, before the next event %v",
			last.ID, first.ID, verifyStandardWebhook(secret, last), last.At.Before(cancelled.At))
	}
	var retried store.WebhookDelivery
	waitFor(t, 10*time.Second, "the delivery log to show the retried delivery", func() bool {
		for _, d := range h.deliveries(owner.Key, hookID) {
			if d.EventID == first.ID && d.Status == store.WebhookDelivered {
				retried = d
				return true
			}
		}
		return false
	})
	if retried.Attempts < 3 || retried.ResponseStatus != http.StatusOK || retried.DeliveredAt == nil {
		t.Fatalf("delivery log %+v, want ≥3 attempts ending in 200", retried)
	}

	// Rotation: for a day, both secrets verify.
	rot := h.must(http.StatusOK, "POST", "/v1/webhooks/"+hookID+"/rotate-secret", owner.Key, nil)
	newSecret := rot.field(t, "secret")
	if newSecret == secret || !strings.HasPrefix(newSecret, "whsec_") {
		t.Fatalf("rotated secret %q", newSecret)
	}
	test := h.must(http.StatusAccepted, "POST", "/v1/webhooks/"+hookID+"/test", owner.Key, nil).field(t, "event_id")
	tested := rcv.waitFor(t, 10*time.Second, "the test event", func(x hook) bool { return x.ID == test })
	if !verifyStandardWebhook(newSecret, tested) || !verifyStandardWebhook(secret, tested) || len(strings.Fields(tested.Signature)) != 2 {
		t.Fatalf("after rotation, signature %q should verify with both secrets", tested.Signature)
	}

	// Redelivery of one event, and of everything since a time.
	h.must(http.StatusAccepted, "POST", "/v1/webhooks/"+hookID+"/deliveries/"+retried.ID+"/redeliver", owner.Key, nil)
	waitFor(t, 10*time.Second, "the redelivered event", func() bool { return rcv.count(func(x hook) bool { return x.ID == first.ID }) >= 4 })
	var queued struct{ Queued int }
	h.must(http.StatusAccepted, "POST", "/v1/webhooks/"+hookID+"/redeliver", owner.Key,
		map[string]any{"since": registered.Add(-time.Second).UTC().Format(time.RFC3339)}).json(t, &queued)
	if queued.Queued != 3 { // ada's and bob's registrations, bob's cancellation (not the test event)
		t.Fatalf("redeliver since queued %d, want 3", queued.Queued)
	}
	waitFor(t, 10*time.Second, "ada's registration again", func() bool { return rcv.count(bodyHas(ada)) >= 2 })
}
