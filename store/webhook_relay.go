package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/webhookevents"
)

// EndpointsWithPendingWebhooks returns the enabled endpoints that have a
// delivery waiting: the relay's work, one queue per endpoint.
func EndpointsWithPendingWebhooks(ctx context.Context, db bun.IDB) ([]WebhookEndpoint, error) {
	var rows []WebhookEndpoint
	pending := db.NewSelect().Model((*WebhookDelivery)(nil)).Column("endpoint_id").Where("status = ?", WebhookPending)
	err := db.NewSelect().Model(&rows).Where("enabled = ?", true).Where("id IN (?)", pending).OrderExpr("id").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("endpoints with pending webhooks: %w", err)
	}
	return rows, nil
}

// NextWebhookDelivery returns the oldest pending delivery of an endpoint with
// its event: the only one the relay may send, so an endpoint gets its events in
// order. ErrNotFound when its queue is empty.
func NextWebhookDelivery(ctx context.Context, db bun.IDB, endpointID string) (*WebhookDelivery, *WebhookEvent, error) {
	d := new(WebhookDelivery)
	err := db.NewSelect().Model(d).Where("endpoint_id = ?", endpointID).Where("status = ?", WebhookPending).
		OrderExpr("id ASC").Limit(1).Scan(ctx)
	if err != nil {
		return nil, nil, notFound("next webhook delivery of "+endpointID, err)
	}
	ev := new(WebhookEvent)
	if err := db.NewSelect().Model(ev).Where("id = ?", d.EventID).Limit(1).Scan(ctx); err != nil {
		return nil, nil, notFound("webhook event "+d.EventID, err)
	}
	return d, ev, nil
}

// WebhookAttempt is the outcome of one delivery attempt.
type WebhookAttempt struct {
	At             time.Time
	Delivered      bool
	ResponseStatus int
	Latency        time.Duration
	Error          string
	// NextAttemptAt is when to try again after a failure.
	NextAttemptAt time.Time
}

// RecordWebhookAttempt writes an attempt on its delivery and the endpoint's
// health: a success clears FailingSince, the first failure after one sets it.
func RecordWebhookAttempt(ctx context.Context, db bun.IDB, d *WebhookDelivery, a WebhookAttempt) error {
	return InTx(ctx, db, func(ctx context.Context, tx bun.IDB) error {
		q := tx.NewUpdate().Model((*WebhookDelivery)(nil)).Where("id = ?", d.ID).
			Set("attempts = attempts + 1").Set("last_attempt_at = ?", a.At).
			Set("response_status = ?", a.ResponseStatus).Set("latency_ms = ?", a.Latency.Milliseconds()).
			Set("last_error = ?", a.Error)
		if a.Delivered {
			q = q.Set("status = ?", WebhookDelivered).Set("delivered_at = ?", a.At)
		} else {
			q = q.Set("next_attempt_at = ?", a.NextAttemptAt)
		}
		if _, err := q.Exec(ctx); err != nil {
			return fmt.Errorf("record attempt of %s: %w", d.ID, err)
		}
		e := tx.NewUpdate().Model((*WebhookEndpoint)(nil)).Where("id = ?", d.EndpointID)
		if a.Delivered {
			e = e.Set("failing_since = NULL")
		} else {
			e = e.Set("failing_since = ?", a.At).Where("failing_since IS NULL")
		}
		if _, err := e.Exec(ctx); err != nil {
			return fmt.Errorf("record health of %s: %w", d.EndpointID, err)
		}
		return nil
	})
}

// DisableWebhookEndpoint stops deliveries to an endpoint that kept failing:
// the delivery it gave up on is marked failed, the rest of the queue waits.
func DisableWebhookEndpoint(ctx context.Context, db bun.IDB, endpointID, reason, failedDeliveryID string) error {
	return InTx(ctx, db, func(ctx context.Context, tx bun.IDB) error {
		_, err := tx.NewUpdate().Model((*WebhookEndpoint)(nil)).Where("id = ?", endpointID).
			Set("enabled = ?", false).Set("disabled_reason = ?", reason).Exec(ctx)
		if err != nil {
			return fmt.Errorf("disable webhook endpoint %s: %w", endpointID, err)
		}
		_, err = tx.NewUpdate().Model((*WebhookDelivery)(nil)).Where("id = ?", failedDeliveryID).
			Set("status = ?", WebhookFailed).Exec(ctx)
		if err != nil {
			return fmt.Errorf("give up delivery %s: %w", failedDeliveryID, err)
		}
		return nil
	})
}

// SetWebhookEndpointEnabled enables or disables an endpoint by hand. Enabling
// it queues again what it missed: the delivery given up on when it was
// disabled, and everything queued meanwhile, in order, from now.
func SetWebhookEndpointEnabled(ctx context.Context, db bun.IDB, e *WebhookEndpoint, enabled bool) error {
	return InTx(ctx, db, func(ctx context.Context, tx bun.IDB) error {
		e.Enabled, e.DisabledReason, e.FailingSince = enabled, "", nil
		if !enabled {
			e.DisabledReason = "disabled by a member"
		}
		if err := Update(ctx, tx, e, "enabled", "disabled_reason", "failing_since"); err != nil {
			return err
		}
		if !enabled {
			return nil
		}
		_, err := tx.NewUpdate().Model((*WebhookDelivery)(nil)).Where("endpoint_id = ?", e.ID).
			Where("status IN (?)", bun.In([]string{WebhookFailed, WebhookPending})).
			Set("status = ?", WebhookPending).Set("next_attempt_at = ?", Now()).Exec(ctx)
		if err != nil {
			return fmt.Errorf("requeue deliveries of %s: %w", e.ID, err)
		}
		return nil
	})
}

// RotateWebhookSecret moves an endpoint to its next secret; the previous one
// keeps signing (beside the new one) until overlap has passed.
func RotateWebhookSecret(ctx context.Context, db bun.IDB, e *WebhookEndpoint, overlap time.Duration) error {
	until := Now().Add(overlap)
	e.SecretVersion++
	e.PreviousSecretUntil = &until
	return Update(ctx, db, e, "secret_version", "previous_secret_until")
}

// DeleteWebhookEndpoint removes an endpoint and its queue.
func DeleteWebhookEndpoint(ctx context.Context, db bun.IDB, ws, id string) error {
	return InTx(ctx, db, func(ctx context.Context, tx bun.IDB) error {
		if _, err := tx.NewDelete().Model((*WebhookDelivery)(nil)).Where("workspace_id = ?", ws).Where("endpoint_id = ?", id).Exec(ctx); err != nil {
			return fmt.Errorf("delete deliveries of %s: %w", id, err)
		}
		return Delete[WebhookEndpoint](ctx, tx, ws, id)
	})
}

// RedeliverWebhook queues the event of one of an endpoint's deliveries again,
// at the end of its queue.
func RedeliverWebhook(ctx context.Context, db bun.IDB, e *WebhookEndpoint, deliveryID string) (*WebhookDelivery, error) {
	old := new(WebhookDelivery)
	err := db.NewSelect().Model(old).Where("id = ?", deliveryID).Where("endpoint_id = ?", e.ID).
		Where("workspace_id = ?", e.WorkspaceID).Limit(1).Scan(ctx)
	if err != nil {
		return nil, notFound("webhook delivery "+deliveryID, err)
	}
	ev := &WebhookEvent{ID: old.EventID, WorkspaceID: e.WorkspaceID, Type: old.EventType}
	d := newWebhookDelivery(ev, e.ID, Now())
	if _, err := db.NewInsert().Model(&d).Exec(ctx); err != nil {
		return nil, fmt.Errorf("redeliver %s: %w", deliveryID, err)
	}
	return &d, nil
}

// maxRedeliveries bounds one "redeliver since" request.
const maxRedeliveries = 10000

// RedeliverWebhooksSince queues again, in their order, the workspace's events
// since a time that the endpoint subscribes to (at most 10,000), and says how
// many.
func RedeliverWebhooksSince(ctx context.Context, db bun.IDB, e *WebhookEndpoint, since time.Time) (int, error) {
	var events []WebhookEvent
	err := db.NewSelect().Model(&events).Column("id", "type").Where("workspace_id = ?", e.WorkspaceID).
		Where("created_at >= ?", since).Where("type <> ?", webhookevents.Test).
		OrderExpr("id ASC").Limit(maxRedeliveries).Scan(ctx)
	if err != nil {
		return 0, fmt.Errorf("events since %s: %w", since, err)
	}
	now := Now()
	var rows []WebhookDelivery
	for i := range events {
		if webhookevents.Subscribed(e.Events, events[i].Type) {
			events[i].WorkspaceID = e.WorkspaceID
			rows = append(rows, newWebhookDelivery(&events[i], e.ID, now))
		}
	}
	err = InTx(ctx, db, func(ctx context.Context, tx bun.IDB) error {
		for start := 0; start < len(rows); start += 500 {
			batch := rows[start:min(start+500, len(rows))]
			if _, err := tx.NewInsert().Model(&batch).Exec(ctx); err != nil {
				return fmt.Errorf("redeliver since %s: %w", since, err)
			}
		}
		return nil
	})
	return len(rows), err
}

// WorkspaceAdminEmails returns the addresses of the workspace's owners and
// admins: who is told when an integration stops.
func WorkspaceAdminEmails(ctx context.Context, db bun.IDB, ws string) ([]string, error) {
	var emails []string
	err := db.NewSelect().TableExpr("memberships AS m").Join("JOIN users AS u ON u.id = m.user_id").
		ColumnExpr("u.email").Where("m.workspace_id = ?", ws).Where("m.role IN (?)", bun.In([]string{RoleOwner, RoleAdmin})).
		OrderExpr("m.id").Scan(ctx, &emails)
	if err != nil {
		return nil, fmt.Errorf("admins of %s: %w", ws, err)
	}
	return emails, nil
}
