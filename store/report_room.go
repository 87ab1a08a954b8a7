package store

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/uptrace/bun"
)

// readJournal fills the report's calls to action (with their clicks) and reactions from the
// room journal. A click names the call to action it was on screen for (Data "cta": the
// journal id of the cta event).
func (r *SessionReport) readJournal(ctx context.Context, db bun.IDB) error {
	var events []RoomEvent
	err := db.NewSelect().Model(&events).Column("id", "kind", "actor_id", "data", "created_at").
		Where("session_id = ?", r.SessionID).Where("kind IN (?)", bun.In([]string{RoomEventCTA, RoomEventCTAClick, RoomEventReaction})).
		OrderExpr("id").Scan(ctx)
	if err != nil {
		return fmt.Errorf("room journal of %s: %w", r.SessionID, err)
	}
	r.Reactions = ReactionReport{ByKind: map[string]int{}, PerMinute: make([]int, len(r.Attendance.Curve))}
	ctaIndex := map[string]int{}
	clickers := map[string]map[string]bool{}
	for _, ev := range events {
		switch ev.Kind {
		case RoomEventCTA:
			ctaIndex[ev.ID] = len(r.CTAs)
			clickers[ev.ID] = map[string]bool{}
			r.CTAs = append(r.CTAs, CTAResult{ID: ev.ID, Text: ev.Data["text"], URL: ev.Data["url"], SentAt: ev.CreatedAt})
		case RoomEventCTAClick:
			r.CTAClicks++
			if i, ok := ctaIndex[ev.Data["cta"]]; ok {
				r.CTAs[i].Clicks++
				clickers[ev.Data["cta"]][ev.ActorID] = true
				r.CTAs[i].Clickers = len(clickers[ev.Data["cta"]])
			}
		case RoomEventReaction:
			r.Reactions.Total++
			r.Reactions.ByKind[ev.Data["reaction"]]++
			if start := r.Attendance.WindowStart; start != nil && !ev.CreatedAt.Before(*start) {
				if m := int(ev.CreatedAt.Sub(*start) / time.Minute); m < len(r.Reactions.PerMinute) {
					r.Reactions.PerMinute[m]++
				}
			}
		}
	}
	return nil
}

// engagementReport scores the session's registrants and ranks the best.
func engagementReport(ctx context.Context, db bun.IDB, sessionID string) (EngagementReport, error) {
	out := EngagementReport{Top: []TopAttendee{}}
	scores, err := SessionEngagement(ctx, db, sessionID)
	if err != nil {
		return out, err
	}
	ranked := make([]Engagement, 0, len(scores))
	sum, attended := 0.0, 0
	for _, e := range scores {
		ranked = append(ranked, e)
		if e.SecondsLive > 0 || e.ReplayViews > 0 {
			sum += e.Score
			attended++
		}
	}
	out.Attended = attended
	if attended > 0 {
		out.Average = float64(int(sum/float64(attended)*10+0.5)) / 10
	}
	RankEngagement(ranked)
	ranked = ranked[:min(len(ranked), ReportTopAttendees)]
	if len(ranked) == 0 {
		return out, nil
	}
	ids := make([]string, len(ranked))
	for i, e := range ranked {
		ids[i] = e.RegistrantID
	}
	var regs []Registrant
	if err := db.NewSelect().Model(&regs).Column("id", "name", "email").Where("id IN (?)", bun.In(ids)).Scan(ctx); err != nil {
		return out, fmt.Errorf("top attendees of %s: %w", sessionID, err)
	}
	byID := map[string]Registrant{}
	for _, reg := range regs {
		byID[reg.ID] = reg
	}
	mailed, err := deliveriesTo(ctx, db, sessionID, ids)
	if err != nil {
		return out, err
	}
	for _, e := range ranked {
		out.Top = append(out.Top, TopAttendee{Engagement: e, Name: byID[e.RegistrantID].Name, Email: byID[e.RegistrantID].Email,
			Deliveries: append([]Delivery{}, mailed[e.RegistrantID]...)})
	}
	return out, nil
}

// deliveriesTo are the session's deliveries to each of registrantIDs, oldest claim first.
func deliveriesTo(ctx context.Context, db bun.IDB, sessionID string, registrantIDs []string) (map[string][]Delivery, error) {
	var rows []Delivery
	err := db.NewSelect().Model(&rows).Where("session_id = ?", sessionID).Where("recipient_id IN (?)", bun.In(registrantIDs)).
		OrderExpr("created_at ASC, id ASC").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("deliveries of %s: %w", sessionID, err)
	}
	out := make(map[string][]Delivery, len(registrantIDs))
	for _, d := range rows {
		out[d.RecipientID] = append(out[d.RecipientID], d)
	}
	return out, nil
}

// RankEngagement sorts engagements best first: by score, then time watched, then id.
func RankEngagement(es []Engagement) {
	sort.Slice(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if a.SecondsLive != b.SecondsLive {
			return a.SecondsLive > b.SecondsLive
		}
		return a.RegistrantID < b.RegistrantID
	})
}
