package billing_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v79/webhook"

	"github.com/onairhq/onair/billing"
)

func TestVerifyWebhookReadsRoutingFieldsAndAcceptsOtherAPIVersions(t *testing.T) {
	body := []byte(`{"id":"evt_1","object":"event","type":"invoice.payment_failed","created":1700000000,
		"api_version":"2099-01-01.future","data":{"object":{"object":"invoice","id":"in_1","customer":"cus_1","subscription":"sub_1"}}}`)
	sig := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: "whsec_x", Timestamp: time.Now()}).Header
	ev, err := billing.VerifyWebhook(body, sig, "whsec_x")
	if err != nil {
		t.Fatalf("an event from another API version was refused: %v", err)
	}
	want := billing.Event{ID: "evt_1", Type: "invoice.payment_failed", Created: 1700000000, CustomerID: "cus_1", SubscriptionID: "sub_1", InvoiceID: "in_1"}
	if ev != want {
		t.Fatalf("event %+v, want %+v", ev, want)
	}
	if _, err := billing.VerifyWebhook(body, sig, "whsec_other"); err == nil {
		t.Fatal("a signature made with another secret was accepted")
	}
}

// TestVerifyWebhookTolerance: a signature is good within WebhookTolerance of now, either
// way; an older one may be a replay, a newer one was made to be replayed later.
func TestVerifyWebhookTolerance(t *testing.T) {
	body := []byte(`{"id":"evt_t","object":"event","type":"invoice.paid","created":1700000000,"data":{"object":{"object":"invoice","id":"in_1","customer":"cus_1"}}}`)
	for _, c := range []struct {
		name   string
		offset time.Duration
		want   error
	}{
		{"now", 0, nil},
		{"four minutes ago", -4 * time.Minute, nil},
		{"four minutes ahead", 4 * time.Minute, nil},
		{"ten minutes ago", -10 * time.Minute, webhook.ErrTooOld},
		{"ten minutes ahead", 10 * time.Minute, billing.ErrWebhookFromTheFuture},
		{"an hour ahead", time.Hour, billing.ErrWebhookFromTheFuture},
	} {
		t.Run(c.name, func(t *testing.T) {
			sig := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: "whsec_x", Timestamp: time.Now().Add(c.offset)}).Header
			_, err := billing.VerifyWebhook(body, sig, "whsec_x")
			if (c.want == nil) != (err == nil) || (c.want != nil && !errors.Is(err, c.want)) {
				t.Fatalf("error %v, want %v", err, c.want)
			}
		})
	}
}
