package activities

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"go.temporal.io/sdk/activity"

	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/webhookevents"
)

// WebhookRetry is how the relay retries an endpoint that fails: after First,
// then twice as long each time up to Max, until the endpoint has failed for
// GiveUpAfter, when it is disabled and the workspace's admins are told.
type WebhookRetry struct {
	First, Max, GiveUpAfter time.Duration
}

// DefaultWebhookRetry retries for three days: 10 s, 20 s, 40 s … then every 6 h.
var DefaultWebhookRetry = WebhookRetry{First: 10 * time.Second, Max: 6 * time.Hour, GiveUpAfter: 72 * time.Hour}

// after is the wait before the next attempt once attempts have failed.
func (r WebhookRetry) after(attempts int) time.Duration {
	d := r.First
	for i := 1; i < attempts && d < r.Max; i++ {
		d *= 2
	}
	return min(d, r.Max)
}

func (a *Activities) webhookRetry() WebhookRetry {
	r := a.WebhookRetry
	if r.First <= 0 {
		r.First = DefaultWebhookRetry.First
	}
	if r.Max <= 0 {
		r.Max = DefaultWebhookRetry.Max
	}
	if r.GiveUpAfter <= 0 {
		r.GiveUpAfter = DefaultWebhookRetry.GiveUpAfter
	}
	return r
}

// Bounds of one delivery: the receiver's answer is read up to responseCap (and
// an excerpt kept), the whole exchange takes at most deliveryTimeout.
const (
	responseCap     = 64 << 10
	responseExcerpt = 300
	deliveryTimeout = 10 * time.Second
)

// DeliverWebhooksInput bounds one pass of the relay per endpoint.
type DeliverWebhooksInput struct {
	PerEndpoint int
}

// DeliverWebhooksResult says what one pass did. More: some endpoint's queue
// had more than PerEndpoint ready; NextAttemptAt: the earliest retry due
// (zero when nothing waits for one).
type DeliverWebhooksResult struct {
	Delivered     int
	More          bool
	NextAttemptAt time.Time
}

// DeliverWebhooks sends, for every enabled endpoint with a queue, its pending
// deliveries oldest first, stopping at the first that fails (so an endpoint
// gets its events in order) until its retry is due. Endpoints are served side
// by side; a delivery leaves the queue only once a 2xx answer is recorded, so a
// worker lost mid-request sends it again (at least once).
func (a *Activities) DeliverWebhooks(ctx context.Context, in DeliverWebhooksInput) (DeliverWebhooksResult, error) {
	if in.PerEndpoint <= 0 {
		in.PerEndpoint = 100
	}
	endpoints, err := store.EndpointsWithPendingWebhooks(ctx, a.DB)
	if err != nil {
		return DeliverWebhooksResult{}, err
	}
	var (
		mu  sync.Mutex
		out DeliverWebhooksResult
	)
	client := a.Webhooks.Client()
	err = parallel(8, endpoints, func(e store.WebhookEndpoint) error {
		r, err := a.drainEndpoint(ctx, client, &e, in.PerEndpoint)
		mu.Lock()
		defer mu.Unlock()
		out.Delivered += r.Delivered
		out.More = out.More || r.More
		if !r.NextAttemptAt.IsZero() && (out.NextAttemptAt.IsZero() || r.NextAttemptAt.Before(out.NextAttemptAt)) {
			out.NextAttemptAt = r.NextAttemptAt
		}
		return err
	})
	return out, err
}

// drainEndpoint sends one endpoint's queue in order, up to limit deliveries.
func (a *Activities) drainEndpoint(ctx context.Context, client *http.Client, e *store.WebhookEndpoint, limit int) (DeliverWebhooksResult, error) {
	var out DeliverWebhooksResult
	for range limit {
		d, ev, err := store.NextWebhookDelivery(ctx, a.DB, e.ID)
		if errors.Is(err, store.ErrNotFound) {
			return out, nil
		} else if err != nil {
			return out, err
		}
		if now := store.Now(); d.NextAttemptAt.After(now) {
			out.NextAttemptAt = d.NextAttemptAt
			return out, nil
		}
		attempt, err := a.deliverWebhook(ctx, client, e, d, ev)
		if err != nil {
			return out, err
		}
		activity.RecordHeartbeat(ctx, d.ID)
		if !attempt.Delivered {
			return a.webhookFailed(ctx, e, d, attempt)
		}
		e.FailingSince = nil // as the store now has it
		out.Delivered++
	}
	out.More = true
	return out, nil
}

// webhookFailed schedules the next attempt of a failed delivery, or disables
// the endpoint once it has failed for the whole retry window.
func (a *Activities) webhookFailed(ctx context.Context, e *store.WebhookEndpoint, d *store.WebhookDelivery, at store.WebhookAttempt) (DeliverWebhooksResult, error) {
	retry := a.webhookRetry()
	at.NextAttemptAt = at.At.Add(retry.after(d.Attempts + 1))
	if err := store.RecordWebhookAttempt(ctx, a.DB, d, at); err != nil {
		return DeliverWebhooksResult{}, err
	}
	a.Log.Info("webhook delivery failed", "workspace", e.WorkspaceID, "endpoint", e.ID, "delivery", d.ID,
		"event", d.EventID, "status", at.ResponseStatus, "err", at.Error, "next", at.NextAttemptAt)
	if e.FailingSince == nil {
		e.FailingSince = &at.At // as the store now has it
	}
	if at.At.Sub(*e.FailingSince) < retry.GiveUpAfter {
		return DeliverWebhooksResult{NextAttemptAt: at.NextAttemptAt}, nil
	}
	if err := a.tellWebhookDisabled(ctx, e, at.Error); err != nil {
		return DeliverWebhooksResult{}, err
	}
	a.Log.Warn("webhook endpoint disabled after failing for the retry window", "workspace", e.WorkspaceID,
		"endpoint", e.ID, "failing_since", e.FailingSince)
	return DeliverWebhooksResult{}, store.DisableWebhookEndpoint(ctx, a.DB, e.ID, "failing since "+e.FailingSince.Format(time.RFC3339), d.ID)
}

// deliverWebhook makes one attempt. Only the loss of ctx (the worker
// stopping) is an error: whatever the receiver does is the attempt's outcome.
func (a *Activities) deliverWebhook(ctx context.Context, client *http.Client, e *store.WebhookEndpoint, d *store.WebhookDelivery, ev *store.WebhookEvent) (store.WebhookAttempt, error) {
	body, err := json.Marshal(webhookevents.Envelope{Type: ev.Type, Timestamp: ev.CreatedAt, Data: json.RawMessage(ev.Data)})
	if err != nil {
		return store.WebhookAttempt{}, fmt.Errorf("encode %s: %w", ev.ID, err)
	}
	start := time.Now()
	at := store.WebhookAttempt{At: store.Now()}
	sig, err := webhookevents.Signature(a.webhookSecrets(e, at.At), ev.ID, start, body)
	if err != nil {
		return at, err
	}
	rctx, cancel := context.WithTimeout(ctx, deliveryTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodPost, e.URL, bytes.NewReader(body))
	if err != nil {
		at.Error = "invalid URL: " + err.Error()
		return at, nil
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "onair-webhooks/1")
	req.Header.Set("webhook-id", ev.ID)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(start.Unix(), 10))
	req.Header.Set("webhook-signature", sig)
	res, err := client.Do(req)
	at.Latency = time.Since(start)
	if ctx.Err() != nil {
		return at, ctx.Err() // the worker is stopping: the delivery stays pending
	}
	if err != nil {
		at.Error = err.Error()
		return at, nil
	}
	defer res.Body.Close()
	excerpt, _ := io.ReadAll(io.LimitReader(res.Body, responseCap))
	at.ResponseStatus = res.StatusCode
	if res.StatusCode >= 200 && res.StatusCode < 300 {
		at.Delivered = true
		return at, store.RecordWebhookAttempt(ctx, a.DB, d, at)
	}
	at.Error = "HTTP " + strconv.Itoa(res.StatusCode)
	if len(excerpt) > 0 {
		at.Error += ": " + string(bytes.ToValidUTF8(excerpt[:min(len(excerpt), responseExcerpt)], nil))
	}
	return at, nil
}

// webhookSecrets are the secrets a delivery is signed with: the endpoint's
// current one, and the one before it while a rotation's overlap lasts.
func (a *Activities) webhookSecrets(e *store.WebhookEndpoint, now time.Time) []string {
	secrets := []string{a.Links.WebhookSecret(e.ID, e.SecretVersion)}
	if e.SecretVersion > 0 && e.PreviousSecretUntil != nil && now.Before(*e.PreviousSecretUntil) {
		secrets = append(secrets, a.Links.WebhookSecret(e.ID, e.SecretVersion-1))
	}
	return secrets
}
