package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"
)

// QueueDelivery adds a pending delivery for the relay (one that exists already is kept);
// callers pass their transaction so the row commits with the change it announces.
func QueueDelivery(ctx context.Context, db bun.IDB, ws, sessionID, recipientID, kind string) error {
	d := &Delivery{ID: NewID("dlv"), WorkspaceID: ws, SessionID: sessionID, RecipientID: recipientID,
		Kind: kind, Pending: true, CreatedAt: Now()}
	_, err := db.NewInsert().Model(d).On("CONFLICT (session_id, recipient_id, kind) DO NOTHING").Exec(ctx)
	if err != nil {
		return fmt.Errorf("queue %s for %s: %w", kind, recipientID, err)
	}
	return nil
}

// PendingDeliveries returns up to limit relay deliveries not sent yet, oldest first.
func PendingDeliveries(ctx context.Context, db bun.IDB, after string, limit int) ([]Delivery, error) {
	var rows []Delivery
	q := db.NewSelect().Model(&rows).Where("pending = ?", true)
	if after != "" {
		q = q.Where("id > ?", after)
	}
	if err := q.OrderExpr("id ASC").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("pending deliveries: %w", err)
	}
	return rows, nil
}

// DeliveryOutcome is what became of one delivery's e-mail: the mail server's answer, and
// why nothing left when nothing did (see Delivery).
type DeliveryOutcome struct {
	ID, SMTPReply, Failure string
}

// MarkDeliveriesSent records in one statement that these deliveries are done, with each
// one's outcome.
func MarkDeliveriesSent(ctx context.Context, db bun.IDB, done []DeliveryOutcome) error {
	ids := make([]string, len(done))
	for i, d := range done {
		ids[i] = d.ID
	}
	q := db.NewUpdate().Model((*Delivery)(nil)).Set("pending = ?", false).Set("sent_at = ?", Now())
	for _, col := range []struct {
		name  string
		value func(DeliveryOutcome) string
	}{
		{"smtp_reply", func(d DeliveryOutcome) string { return d.SMTPReply }},
		{"failure", func(d DeliveryOutcome) string { return d.Failure }},
	} {
		// One CASE per column keeps the batch one statement while each row gets its own text.
		var when strings.Builder
		var args []any
		for _, d := range done {
			if v := col.value(d); v != "" {
				when.WriteString(" WHEN ? THEN ?")
				args = append(args, d.ID, v)
			}
		}
		if len(args) > 0 {
			q = q.Set("? = CASE id"+when.String()+" ELSE ? END", append(append([]any{bun.Ident(col.name)}, args...), bun.Ident(col.name))...)
		}
	}
	if _, err := q.Where("id IN (?)", bun.In(ids)).Exec(ctx); err != nil {
		return fmt.Errorf("mark %d deliveries sent: %w", len(ids), err)
	}
	return nil
}

// ClaimDelivery reserves the (session, recipient, kind) send for a batch
// sender. It returns the delivery id to mark once sent, or "" when that e-mail
// already left. A claim left unsent by a crashed attempt is handed out again.
func ClaimDelivery(ctx context.Context, db bun.IDB, ws, sessionID, recipientID, kind string) (string, error) {
	d := &Delivery{ID: NewID("dlv"), WorkspaceID: ws, SessionID: sessionID, RecipientID: recipientID, Kind: kind, CreatedAt: Now()}
	res, err := db.NewInsert().Model(d).On("CONFLICT (session_id, recipient_id, kind) DO NOTHING").Exec(ctx)
	if err != nil {
		return "", fmt.Errorf("claim %s for %s: %w", kind, recipientID, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return d.ID, nil
	}
	existing := new(Delivery)
	err = db.NewSelect().Model(existing).Where("session_id = ?", sessionID).Where("recipient_id = ?", recipientID).
		Where("kind = ?", kind).Limit(1).Scan(ctx)
	if err != nil {
		return "", notFound("claimed delivery", err)
	}
	if existing.SentAt != nil {
		return "", nil
	}
	return existing.ID, nil
}

// ClaimDeliveries is ClaimDelivery for a page of recipients in two statements:
// it returns, by recipient id, the delivery ids still to send.
func ClaimDeliveries(ctx context.Context, db bun.IDB, ws, sessionID, kind string, recipientIDs []string) (map[string]string, error) {
	if len(recipientIDs) == 0 {
		return map[string]string{}, nil
	}
	t := Now()
	rows := make([]Delivery, len(recipientIDs))
	for i, r := range recipientIDs {
		rows[i] = Delivery{ID: NewID("dlv"), WorkspaceID: ws, SessionID: sessionID, RecipientID: r, Kind: kind, CreatedAt: t}
	}
	if _, err := db.NewInsert().Model(&rows).On("CONFLICT (session_id, recipient_id, kind) DO NOTHING").Exec(ctx); err != nil {
		return nil, fmt.Errorf("claim %s for %d recipients: %w", kind, len(recipientIDs), err)
	}
	var open []Delivery
	err := db.NewSelect().Model(&open).Column("id", "recipient_id").Where("session_id = ?", sessionID).Where("kind = ?", kind).
		Where("recipient_id IN (?)", bun.In(recipientIDs)).Where("sent_at IS NULL").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("claimed %s deliveries: %w", kind, err)
	}
	out := make(map[string]string, len(open))
	for _, d := range open {
		out[d.RecipientID] = d.ID
	}
	return out, nil
}

// DeliveryRegistrants loads, in one statement, the registrants a page of deliveries is for,
// by id; a recipient that is no registrant (a speaker), a registrant deleted since, or one of
// another workspace than its delivery's, is absent.
func DeliveryRegistrants(ctx context.Context, db bun.IDB, deliveries []Delivery) (map[string]*Registrant, error) {
	ids := make([]string, 0, len(deliveries))
	for _, d := range deliveries {
		ids = append(ids, d.RecipientID)
	}
	out := make(map[string]*Registrant, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rows []Registrant
	if err := db.NewSelect().Model(&rows).Where("id IN (?)", bun.In(ids)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("registrants of %d deliveries: %w", len(ids), err)
	}
	for i := range rows {
		out[rows[i].ID] = &rows[i]
	}
	for _, d := range deliveries {
		if r, ok := out[d.RecipientID]; ok && r.WorkspaceID != d.WorkspaceID {
			delete(out, d.RecipientID)
		}
	}
	return out, nil
}
