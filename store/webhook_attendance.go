package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/webhookevents"
)

// attendanceSummaryKind is the Delivery kind that makes each registrant's
// attendance.summary written once, whatever retries the post-live chain makes.
const attendanceSummaryKind = "webhook:attendance.summary"

// EmitAttendanceSummaries queues attendance.summary for a page of a session's
// registrants after the live (attended says which side of the follow-ups they
// are on), once per registrant, in one transaction. Nothing is read or written
// when no endpoint of the workspace subscribes to it.
func EmitAttendanceSummaries(ctx context.Context, db bun.IDB, ws, sessionID string, page []Registrant, attended bool) error {
	if len(page) == 0 {
		return nil
	}
	endpoints, err := subscribedEndpoints(ctx, db, ws, webhookevents.AttendanceSummary)
	if err != nil || len(endpoints) == 0 {
		return err
	}
	return InTx(ctx, db, func(ctx context.Context, tx bun.IDB) error {
		ids := make([]string, len(page))
		for i := range page {
			ids[i] = page[i].ID
		}
		claimed, err := ClaimDeliveries(ctx, tx, ws, sessionID, attendanceSummaryKind, ids)
		if err != nil || len(claimed) == 0 {
			return err
		}
		seconds := map[string]int{}
		if attended {
			var rows []struct {
				PersonID string
				Seconds  int
			}
			err := tx.NewSelect().Model((*Attendance)(nil)).ColumnExpr("person_id, SUM(seconds) AS seconds").
				Where("session_id = ?", sessionID).Where("kind = ?", AttendanceLive).Where("person_id IN (?)", bun.In(ids)).
				GroupExpr("person_id").Scan(ctx, &rows)
			if err != nil {
				return fmt.Errorf("attendance of %s: %w", sessionID, err)
			}
			for _, r := range rows {
				seconds[r.PersonID] = r.Seconds
			}
		}
		var sent []DeliveryOutcome
		for _, r := range page {
			id, ok := claimed[r.ID]
			if !ok {
				continue
			}
			data := webhookevents.Attendance{SessionID: sessionID, RegistrantID: r.ID, Email: r.Email, Name: r.Name,
				Attended: attended, SecondsAttended: seconds[r.ID]}
			if err := queueWebhookEvent(ctx, tx, ws, webhookevents.AttendanceSummary, data, endpoints); err != nil {
				return err
			}
			sent = append(sent, DeliveryOutcome{ID: id})
		}
		return MarkDeliveriesSent(ctx, tx, sent)
	})
}

// subscribedEndpoints are the ids of workspace ws's endpoints that get events of type typ.
func subscribedEndpoints(ctx context.Context, db bun.IDB, ws, typ string) ([]string, error) {
	var endpoints []WebhookEndpoint
	if err := db.NewSelect().Model(&endpoints).Column("id", "events").Where("workspace_id = ?", ws).Scan(ctx); err != nil {
		return nil, fmt.Errorf("endpoints for %s: %w", typ, err)
	}
	var ids []string
	for _, e := range endpoints {
		if webhookevents.Subscribed(e.Events, typ) {
			ids = append(ids, e.ID)
		}
	}
	return ids, nil
}
