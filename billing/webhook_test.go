package billing_test

import (
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
