package store

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/webhookevents"
)

// WebhookEvent is one event of the outbox: written in the transaction of the
// change it reports, with a WebhookDelivery per endpoint subscribed to it.
// Its id is the webhook-id receivers de-duplicate by.
type WebhookEvent struct {
	bun.BaseModel `bun:"table:webhook_events"`

	ID          string    `bun:",pk" json:"id"`
	WorkspaceID string    `bun:",notnull" json:"-"`
	Type        string    `bun:",notnull" json:"type"`
	Data        string    `bun:",notnull" json:"-"` // the payload's JSON
	CreatedAt   time.Time `bun:",notnull" json:"created_at"`
}

// Statuses of a webhook delivery: waiting for its turn or a retry, answered
// with a 2xx, or given up on when its endpoint was disabled (enabling the
// endpoint again queues it anew).
const (
	WebhookPending   = "pending"
	WebhookDelivered = "delivered"
	WebhookFailed    = "failed"
)

// WebhookDelivery is one event to one endpoint: the relay's queue, ordered by
// id per endpoint, and the record of its attempts.
type WebhookDelivery struct {
	bun.BaseModel `bun:"table:webhook_deliveries"`

	ID             string     `bun:",pk" json:"id"`
	WorkspaceID    string     `bun:",notnull" json:"-"`
	EndpointID     string     `bun:",notnull" json:"endpoint_id"`
	EventID        string     `bun:",notnull" json:"event_id"`
	EventType      string     `bun:",notnull" json:"event_type"`
	Status         string     `bun:",notnull" json:"status"`
	Attempts       int        `bun:",notnull,default:0" json:"attempts"`
	ResponseStatus int        `bun:",notnull,default:0" json:"response_status,omitempty"`
	LatencyMS      int        `bun:"latency_ms,notnull,default:0" json:"latency_ms,omitempty"`
	LastError      string     `bun:",notnull,default:''" json:"last_error,omitempty"`
	NextAttemptAt  time.Time  `bun:",notnull" json:"next_attempt_at"`
	LastAttemptAt  *time.Time `bun:",nullzero" json:"last_attempt_at,omitempty"`
	DeliveredAt    *time.Time `bun:",nullzero" json:"delivered_at,omitempty"`
	CreatedAt      time.Time  `bun:",notnull" json:"created_at"`
}

// webhookNoticeKey marks a context whose caller wants to know that an event was
// queued (the API then wakes the relay once its transaction committed).
type webhookNoticeKey struct{}

// NoticeWebhookEvents returns a context in which EmitWebhookEvent records that
// it queued something, and the flag it sets.
func NoticeWebhookEvents(ctx context.Context) (context.Context, *atomic.Bool) {
	flag := new(atomic.Bool)
	return context.WithValue(ctx, webhookNoticeKey{}, flag), flag
}

// EmitWebhookEvent queues an event of type typ for every endpoint of workspace
// ws subscribed to it, disabled ones included (they get it once enabled again).
// Callers pass the transaction of the change it reports, so the event exists
// exactly when the change does. Nothing is written when no endpoint listens.
func EmitWebhookEvent(ctx context.Context, db bun.IDB, ws, typ string, data any) error {
	if !webhookevents.Known(typ) {
		return fmt.Errorf("emit webhook event: unknown type %q", typ)
	}
	to, err := subscribedEndpoints(ctx, db, ws, typ)
	if err != nil {
		return err
	}
	return queueWebhookEvent(ctx, db, ws, typ, data, to)
}

// QueueTestWebhook queues a webhook.test event for one endpoint only.
func QueueTestWebhook(ctx context.Context, db bun.IDB, e *WebhookEndpoint) (*WebhookDelivery, error) {
	var d *WebhookDelivery
	err := InTx(ctx, db, func(ctx context.Context, tx bun.IDB) error {
		data := webhookevents.TestData{EndpointID: e.ID, Message: "A test event from onair: this endpoint receives and verifies deliveries."}
		if err := queueWebhookEvent(ctx, tx, e.WorkspaceID, webhookevents.Test, data, []string{e.ID}); err != nil {
			return err
		}
		d = new(WebhookDelivery)
		return tx.NewSelect().Model(d).Where("endpoint_id = ?", e.ID).OrderExpr("id DESC").Limit(1).Scan(ctx)
	})
	if err != nil {
		return nil, fmt.Errorf("queue test event for %s: %w", e.ID, err)
	}
	return d, nil
}

func queueWebhookEvent(ctx context.Context, db bun.IDB, ws, typ string, data any, endpoints []string) error {
	if len(endpoints) == 0 {
		return nil
	}
	body, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("encode %s event: %w", typ, err)
	}
	now := Now()
	ev := &WebhookEvent{ID: NewID("msg"), WorkspaceID: ws, Type: typ, Data: string(body), CreatedAt: now}
	if _, err := db.NewInsert().Model(ev).Exec(ctx); err != nil {
		return fmt.Errorf("queue %s event: %w", typ, err)
	}
	rows := make([]WebhookDelivery, len(endpoints))
	for i, id := range endpoints {
		rows[i] = newWebhookDelivery(ev, id, now)
	}
	if _, err := db.NewInsert().Model(&rows).Exec(ctx); err != nil {
		return fmt.Errorf("queue %s deliveries: %w", typ, err)
	}
	if flag, ok := ctx.Value(webhookNoticeKey{}).(*atomic.Bool); ok {
		flag.Store(true)
	}
	return nil
}

func newWebhookDelivery(ev *WebhookEvent, endpointID string, now time.Time) WebhookDelivery {
	return WebhookDelivery{ID: NewID("whd"), WorkspaceID: ev.WorkspaceID, EndpointID: endpointID, EventID: ev.ID,
		EventType: ev.Type, Status: WebhookPending, NextAttemptAt: now, CreatedAt: now}
}
