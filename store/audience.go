package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// Audience is who among a session's registrants one fan-out reaches: those in Statuses,
// or, with FollowUp set, the approved ones who attended the live room (FollowUpAttended)
// or did not (FollowUpMissed). The fan-out pages through it and the schedule preview
// counts it with the same query, so the count is who the e-mail goes to.
type Audience struct {
	Statuses []string
	FollowUp string
}

// Follow-up audiences (Audience.FollowUp).
const (
	FollowUpAttended = "attended"
	FollowUpMissed   = "missed"
)

// Empty reports an audience that reaches no registrant.
func (a Audience) Empty() bool { return len(a.Statuses) == 0 && a.FollowUp == "" }

// audienceQuery narrows q (on registrants, aliased "registrant") to a's members of session.
func audienceQuery(db bun.IDB, q *bun.SelectQuery, sessionID string, a Audience) *bun.SelectQuery {
	q = q.Where("registrant.session_id = ?", sessionID)
	if a.FollowUp == "" {
		return q.Where("registrant.status IN (?)", bun.In(a.Statuses))
	}
	live := db.NewSelect().TableExpr("attendance AS a").ColumnExpr("1").Where("a.session_id = registrant.session_id").
		Where("a.person_id = registrant.id").Where("a.kind = ?", AttendanceLive)
	q = q.Where("registrant.status = ?", RegistrantApproved)
	if a.FollowUp == FollowUpAttended {
		return q.Where("EXISTS (?)", live)
	}
	return q.Where("NOT EXISTS (?)", live)
}

// AudiencePage returns one page (by id) of the registrants of session in a.
func AudiencePage(ctx context.Context, db bun.IDB, sessionID string, a Audience, after string, limit int) ([]Registrant, error) {
	var rows []Registrant
	q := audienceQuery(db, db.NewSelect().Model(&rows), sessionID, a)
	if after != "" {
		q = q.Where("registrant.id > ?", after)
	}
	if err := q.OrderExpr("registrant.id ASC").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("recipients of %s: %w", sessionID, err)
	}
	return rows, nil
}

// AudienceCount is how many registrants of a session one fan-out would reach now.
type AudienceCount struct {
	// Registrants are the audience; Unsubscribed those of them whose address stopped the
	// e-mail's kind (they get a delivery row but no e-mail).
	Registrants, Unsubscribed int
}

// CountAudience counts a's registrants of session in workspace ws and, when mailKind is
// one a person may stop (unsubscribable), those among them who did.
func CountAudience(ctx context.Context, db bun.IDB, ws, sessionID string, a Audience, mailKind string, unsubscribable bool) (AudienceCount, error) {
	var out AudienceCount
	if a.Empty() {
		return out, nil
	}
	n, err := audienceQuery(db, db.NewSelect().Model((*Registrant)(nil)), sessionID, a).Count(ctx)
	if err != nil {
		return out, fmt.Errorf("count recipients of %s: %w", sessionID, err)
	}
	out.Registrants = int(n)
	if !unsubscribable {
		return out, nil
	}
	stopped := db.NewSelect().Model((*Unsubscribe)(nil)).ColumnExpr("1").Where("unsubscribe.workspace_id = ?", ws).
		Where("unsubscribe.email = LOWER(registrant.email)").Where("unsubscribe.kind IN (?)", bun.In(unsubscribeKinds(mailKind)))
	n, err = audienceQuery(db, db.NewSelect().Model((*Registrant)(nil)), sessionID, a).Where("EXISTS (?)", stopped).Count(ctx)
	if err != nil {
		return out, fmt.Errorf("count unsubscribed recipients of %s: %w", sessionID, err)
	}
	out.Unsubscribed = int(n)
	return out, nil
}

// DeliveryTally counts the deliveries of one kind of a session: claimed (rows), done
// (sent_at set), and failed (done without an e-mail leaving, Delivery.Failure).
type DeliveryTally struct {
	Claimed, Sent, Failed int
}

// TallyDeliveries counts session's deliveries of kind; with followUp set, only those to
// registrants of that follow-up audience (both follow-ups share one delivery kind).
func TallyDeliveries(ctx context.Context, db bun.IDB, sessionID, kind, followUp string) (DeliveryTally, error) {
	var t DeliveryTally
	q := db.NewSelect().Model((*Delivery)(nil)).
		ColumnExpr("COUNT(*) AS claimed").
		ColumnExpr("COALESCE(SUM(CASE WHEN sent_at IS NOT NULL AND failure = '' THEN 1 ELSE 0 END), 0) AS sent").
		ColumnExpr("COALESCE(SUM(CASE WHEN sent_at IS NOT NULL AND failure <> '' THEN 1 ELSE 0 END), 0) AS failed").
		Where("delivery.session_id = ?", sessionID).Where("delivery.kind = ?", kind)
	if followUp != "" {
		audience := audienceQuery(db, db.NewSelect().Model((*Registrant)(nil)).Column("registrant.id"), sessionID,
			Audience{FollowUp: followUp})
		q = q.Where("delivery.recipient_id IN (?)", audience)
	}
	if err := q.Scan(ctx, &t.Claimed, &t.Sent, &t.Failed); err != nil {
		return t, fmt.Errorf("tally %s deliveries of %s: %w", kind, sessionID, err)
	}
	return t, nil
}

// RegistrantDeliveries are every delivery to registrant r of session, oldest claim first.
func RegistrantDeliveries(ctx context.Context, db bun.IDB, ws, sessionID, registrantID string) ([]Delivery, error) {
	var rows []Delivery
	err := db.NewSelect().Model(&rows).Where("workspace_id = ?", ws).Where("session_id = ?", sessionID).
		Where("recipient_id = ?", registrantID).OrderExpr("created_at ASC, id ASC").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("deliveries to %s: %w", registrantID, err)
	}
	return rows, nil
}

// unsubscribeKinds are the Unsubscribe kinds that stop an e-mail of mailKind.
func unsubscribeKinds(mailKind string) []string {
	return []string{mailKind, UnsubscribeAll}
}
