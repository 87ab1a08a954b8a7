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

// TestWebhookSurvivesAWorkerStoppedMidDelivery stops the worker while the
// receiver holds its request and starts another: the event is delivered again,
// under the same webhook-id, and the log ends delivered.
func TestWebhookSurvivesAWorkerStoppedMidDelivery(t *testing.T) {
	h, startWorker := webhookHarness(t, storetest.Postgres(t), devPolicy, devPolicy, fastRetry)
	first := startWorker()
	rcv := newReceiver(t)
	release := make(chan struct{})
	t.Cleanup(func() {
		select {
		case <-release:
		default:
			close(release)
		}
	})
	rcv.mu.Lock()
	rcv.hold, rcv.held = release, make(chan struct{})
	held := rcv.held
	rcv.mu.Unlock()
	owner := h.signup("Crashy")
	hookID, secret := h.createHook(owner, rcv.srv.URL+"/onair", "*")
	session := h.webhookSession(owner)
	ada := h.registerGuest(owner, session, "ada@example.com")

	select {
	case <-held:
	case <-time.After(15 * time.Second):
		t.Fatal("the receiver got no request")
	}
	firstTry := rcv.requests()[0] // session.scheduled: the first event of the endpoint
	first.Stop()                  // mid-request: the worker's process goes away
	close(release)
	second := startWorker()
	defer second.Stop()

	again := rcv.waitFor(t, 60*time.Second, "the held event from the second worker", func(x hook) bool {
		return x.ID == firstTry.ID && x.At.After(firstTry.At)
	})
	if !verifyStandardWebhook(secret, again) {
		t.Fatalf("the redelivered event's signature %q does not verify", again.Signature)
	}
	rcv.waitFor(t, 20*time.Second, "ada's registration, after it", bodyHas(ada))
	waitFor(t, 20*time.Second, "the deliveries to be logged delivered", func() bool {
		ds := h.deliveries(owner.Key, hookID)
		for _, d := range ds {
			if d.Status != store.WebhookDelivered {
				return false
			}
		}
		return len(ds) == 2
	})
}

// TestWebhookToLoopbackRefusedWithoutTheDevelopmentSetting: without
// ONAIR_WEBHOOKS_ALLOW_PRIVATE a receiver on 127.0.0.1 is refused when the
// endpoint is created, and, when its name resolved elsewhere then (here: an
// API allowed to save it), at connect time by the worker, which sends nothing.
func TestWebhookToLoopbackRefusedWithoutTheDevelopmentSetting(t *testing.T) {
	rcv := newReceiver(t)
	prod := newHarness(t, storetest.SQLite(t))
	owner := prod.signup("Strict")
	for _, url := range []string{rcv.srv.URL + "/onair", strings.Replace(rcv.srv.URL, "http://", "https://", 1) + "/onair"} {
		r := prod.must(http.StatusBadRequest, "POST", "/v1/webhooks", owner.Key, map[string]any{"url": url, "events": []string{"*"}})
		if !strings.Contains(string(r.Body), "url") {
			t.Fatalf("refusal of %s does not name url: %s", url, r.Body)
		}
	}

	h, startWorker := webhookHarness(t, storetest.Postgres(t), devPolicy, outbound.Policy{}, fastRetry)
	defer startWorker().Stop()
	owner = h.signup("Rebound")
	hookID, _ := h.createHook(owner, rcv.srv.URL+"/onair", "registrant.created")
	h.registerGuest(owner, h.webhookSession(owner), "ada@example.com")
	waitFor(t, 20*time.Second, "an attempt refused at connect time", func() bool {
		for _, d := range h.deliveries(owner.Key, hookID) {
			if d.Attempts > 0 {
				if !strings.Contains(d.LastError, "loopback") || d.Status != store.WebhookPending {
					t.Fatalf("delivery %+v, want pending and refused as loopback", d)
				}
				return true
			}
		}
		return false
	})
	if n := len(rcv.requests()); n != 0 {
		t.Fatalf("the receiver on 127.0.0.1 got %d requests", n)
	}
}

// TestWebhookEndpointDisabledThenReplayed: an endpoint failing for the whole
// retry window is disabled and the workspace's owner told by e-mail; enabling
// it again sends, in order, the event it failed on and those queued since.
func TestWebhookEndpointDisabledThenReplayed(t *testing.T) {
	retry := activities.WebhookRetry{First: 200 * time.Millisecond, Max: 400 * time.Millisecond, GiveUpAfter: 2 * time.Second}
	h, startWorker := webhookHarness(t, storetest.Postgres(t), devPolicy, devPolicy, retry)
	defer startWorker().Stop()
	rcv := newReceiver(t)
	rcv.status.Store(http.StatusServiceUnavailable)
	owner := h.signup("Flaky")
	var me struct{ User struct{ Email string } }
	h.must(http.StatusOK, "GET", "/v1/me", owner.Key, nil).json(t, &me)
	hookID, _ := h.createHook(owner, rcv.srv.URL+"/onair", "registrant.created")
	session := h.webhookSession(owner)
	ada := h.registerGuest(owner, session, "ada@example.com")

	var endpoint store.WebhookEndpoint
	waitFor(t, 30*time.Second, "the endpoint to be disabled", func() bool {
		endpoint = h.endpoint(owner, hookID)
		return !endpoint.Enabled
	})
	if endpoint.DisabledReason == "" {
		t.Fatal("a disabled endpoint says no reason")
	}
	_, text := h.waitMail(me.User.Email, "webhook endpoint")
	if !strings.Contains(text, strings.TrimPrefix(rcv.srv.URL, "http://")+"/onair") || !strings.Contains(text, "PATCH /v1/webhooks/"+hookID) {
		t.Fatalf("the e-mail does not name the endpoint and how to enable it:\n%s", text)
	}
	bob := h.registerGuest(owner, session, "bob@example.com") // queued while disabled
	tries := rcv.count(bodyHas(ada))
	rcv.status.Store(http.StatusOK)
	h.must(http.StatusOK, "PATCH", "/v1/webhooks/"+hookID, owner.Key, map[string]any{"enabled": true})
	gotBob := rcv.waitFor(t, 20*time.Second, "bob's registration after enabling", bodyHas(bob))
	var adaOK hook
	for _, x := range rcv.requests()[tries:] {
		if strings.Contains(string(x.Body), ada) {
			adaOK = x
		}
	}
	if adaOK.ID == "" || !adaOK.At.Before(gotBob.At) {
		t.Fatal("ada's registration was not replayed before bob's")
	}
	if !h.endpoint(owner, hookID).Enabled {
		t.Fatal("the endpoint is not enabled")
	}
}

// endpoint reads one webhook endpoint from the list.
func (h *harness) endpoint(owner account, id string) store.WebhookEndpoint {
	h.t.Helper()
	var page struct{ Data []store.WebhookEndpoint }
	h.must(http.StatusOK, "GET", "/v1/webhooks", owner.Key, nil).json(h.t, &page)
	for _, e := range page.Data {
		if e.ID == id {
			return e
		}
	}
	h.t.Fatalf("no endpoint %s", id)
	return store.WebhookEndpoint{}
}
