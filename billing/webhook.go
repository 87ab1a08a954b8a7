package billing

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v79/webhook"
)

// WebhookTolerance is how far a signed webhook's timestamp may be from now, either way;
// older ones are refused as possible replays, future ones as signed ahead to be replayed later.
const WebhookTolerance = 5 * time.Minute

// ErrWebhookFromTheFuture refuses an event signed for a time beyond the tolerance:
// webhook.ConstructEvent only refuses old ones.
var ErrWebhookFromTheFuture = errors.New("stripe webhook timestamp is in the future")

// Event is what onair takes from a verified Stripe event: enough to route it
// to a workspace. The workflow re-reads the subscription rather than trusting
// the payload, so out-of-order events converge.
type Event struct {
	ID             string `json:"id"`
	Type           string `json:"type"`
	Created        int64  `json:"created"`
	CustomerID     string `json:"customer_id"`
	SubscriptionID string `json:"subscription_id"`
	InvoiceID      string `json:"invoice_id,omitempty"`
}

// VerifyWebhook checks the Stripe-Signature header against the raw body and
// returns the event. API-version mismatches are ignored on purpose: onair
// reads only the id, type, customer and subscription of an event (stable
// across versions) and re-reads the subscription through its own pinned API
// version; refusing would make Stripe retry every event for days after the
// account's default version moved.
func VerifyWebhook(body []byte, signature, secret string) (Event, error) {
	ev, err := webhook.ConstructEventWithOptions(body, signature, secret, webhook.ConstructEventOptions{
		Tolerance: WebhookTolerance, IgnoreAPIVersionMismatch: true,
	})
	if err != nil {
		return Event{}, fmt.Errorf("verify stripe webhook: %w", err)
	}
	if at, ok := signedAt(signature); !ok || time.Until(at) > WebhookTolerance {
		return Event{}, fmt.Errorf("verify stripe webhook %s: %w", ev.ID, ErrWebhookFromTheFuture)
	}
	var obj struct {
		ID           string          `json:"id"`
		Object       string          `json:"object"`
		Customer     json.RawMessage `json:"customer"`
		Subscription json.RawMessage `json:"subscription"`
	}
	if ev.Data != nil {
		if err := json.Unmarshal(ev.Data.Raw, &obj); err != nil {
			return Event{}, fmt.Errorf("decode stripe event %s: %w", ev.ID, err)
		}
	}
	out := Event{ID: ev.ID, Type: string(ev.Type), Created: ev.Created, CustomerID: idOf(obj.Customer)}
	switch obj.Object {
	case "subscription":
		out.SubscriptionID = obj.ID
	case "invoice":
		out.InvoiceID, out.SubscriptionID = obj.ID, idOf(obj.Subscription)
	}
	return out, nil
}

// signedAt is the t= of a Stripe-Signature header that webhook.ConstructEvent accepted (the
// signature covers it), read as the library reads it: the last t wins.
func signedAt(header string) (at time.Time, ok bool) {
	for pair := range strings.SplitSeq(header, ",") {
		if v, found := strings.CutPrefix(pair, "t="); found {
			secs, err := strconv.ParseInt(v, 10, 64)
			at, ok = time.Unix(secs, 0), err == nil
		}
	}
	return at, ok
}

// idOf reads an expandable field: a bare id or an object with an id.
func idOf(raw json.RawMessage) string {
	var id string
	if json.Unmarshal(raw, &id) == nil {
		return id
	}
	var obj struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(raw, &obj)
	return obj.ID
}
