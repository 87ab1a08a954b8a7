package store

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"time"

	"github.com/uptrace/bun"
)

// SessionReport is what a session's organizers look at after the live (issue 18): who
// registered and from where, who watched live and on replay and for how long, polls,
// questions, calls to action, reactions, and the most engaged attendees. Everything is
// counted in the store's queries or from the rows of one session, never from every
// registrant row.
type SessionReport struct {
	SessionID       string           `json:"session_id"`
	EventID         string           `json:"event_id"`
	Status          string           `json:"status"`
	StartsAt        time.Time        `json:"starts_at"`
	Timezone        string           `json:"timezone"`
	DurationMinutes int              `json:"duration_minutes"`
	Registrants     RegistrantCounts `json:"registrants"`
	Attendance      AttendanceReport `json:"attendance"`
	ChatMessages    int              `json:"chat_messages"`
	Questions       QuestionCounts   `json:"questions"`
	Polls           []PollResult     `json:"polls"`
	CTAs            []CTAResult      `json:"ctas"`
	CTAClicks       int              `json:"cta_clicks"`
	Reactions       ReactionReport   `json:"reactions"`
	Engagement      EngagementReport `json:"engagement"`
}

// RegistrantCounts counts registrants by status and by where they came from. A source is the
// utm_source, else the referring site's host, else "" (direct); a campaign the utm_campaign.
type RegistrantCounts struct {
	Total      int            `json:"total"`
	ByStatus   map[string]int `json:"by_status"`
	BySource   []LabelCount   `json:"by_source"`
	ByCampaign []LabelCount   `json:"by_campaign"`
}

// QuestionCounts: Asked excludes deleted questions; Answered counts those answered in writing
// or live, AnsweredLive those answered aloud on stage.
type QuestionCounts struct {
	Asked        int `json:"asked"`
	Answered     int `json:"answered"`
	AnsweredLive int `json:"answered_live"`
	Private      int `json:"private"`
}

// PollResult is one poll sent to the room with its votes per option.
type PollResult struct {
	ID       string         `json:"id"`
	Question string         `json:"question"`
	Status   string         `json:"status"`
	Votes    int            `json:"votes"`
	Options  []OptionResult `json:"options"`
}

// OptionResult is one option's votes and share of the poll's votes (0–100, one decimal).
type OptionResult struct {
	Text    string  `json:"text"`
	Votes   int     `json:"votes"`
	Percent float64 `json:"percent"`
}

// CTAResult is one call to action sent to the room: its clicks and the people who clicked.
type CTAResult struct {
	ID       string    `json:"id"`
	Text     string    `json:"text"`
	URL      string    `json:"url"`
	SentAt   time.Time `json:"sent_at"`
	Clicks   int       `json:"clicks"`
	Clickers int       `json:"clickers"`
}

// ReactionReport counts reactions by kind and per minute of the attendance curve's window
// (PerMinute[i] matches Attendance.Curve[i]; reactions outside the window are not in it).
type ReactionReport struct {
	Total     int            `json:"total"`
	ByKind    map[string]int `json:"by_kind"`
	PerMinute []int          `json:"per_minute"`
}

// EngagementReport is the registrants' engagement: the average score of those who attended
// (live or replay), how many they are, and the most engaged registrants, best first.
type EngagementReport struct {
	Average  float64       `json:"average"`
	Attended int           `json:"attended"`
	Top      []TopAttendee `json:"top"`
}

// TopAttendee is one of the most engaged registrants.
type TopAttendee struct {
	Engagement
	Name  string `json:"name"`
	Email string `json:"email"`
	// Deliveries are the e-mails the session sent them, oldest first.
	Deliveries []Delivery `json:"deliveries"`
}

// ReportTopAttendees is how many registrants a report ranks.
const ReportTopAttendees = 10

// BuildSessionReport reads a session's report; now stands for the end of visits still open.
func BuildSessionReport(ctx context.Context, db bun.IDB, ses *Session, now time.Time) (*SessionReport, error) {
	r := &SessionReport{SessionID: ses.ID, EventID: ses.EventID, Status: ses.Status, StartsAt: ses.StartsAt,
		Timezone: ses.Timezone, DurationMinutes: ses.DurationMinutes, Polls: []PollResult{}, CTAs: []CTAResult{}}
	var err error
	if r.Registrants, err = registrantCounts(ctx, db, ses.ID); err != nil {
		return nil, err
	}
	if r.Attendance, err = sessionAttendance(ctx, db, ses, now); err != nil {
		return nil, err
	}
	chat, err := db.NewSelect().Model((*ChatMessage)(nil)).Where("session_id = ?", ses.ID).Where("deleted_at IS NULL").Count(ctx)
	if err != nil {
		return nil, fmt.Errorf("chat of %s: %w", ses.ID, err)
	}
	r.ChatMessages = int(chat)
	if r.Questions, err = questionCounts(ctx, db, ses.ID); err != nil {
		return nil, err
	}
	if r.Polls, err = pollResults(ctx, db, ses.ID); err != nil {
		return nil, err
	}
	if err := r.readJournal(ctx, db); err != nil {
		return nil, err
	}
	if r.Engagement, err = engagementReport(ctx, db, ses.ID); err != nil {
		return nil, err
	}
	return r, nil
}

func registrantCounts(ctx context.Context, db bun.IDB, sessionID string) (RegistrantCounts, error) {
	out := RegistrantCounts{ByStatus: map[string]int{}}
	var byStatus []struct {
		Status string `bun:"status"`
		N      int    `bun:"n"`
	}
	err := db.NewSelect().Model((*Registrant)(nil)).Column("status").ColumnExpr("COUNT(*) AS n").
		Where("session_id = ?", sessionID).Group("status").Scan(ctx, &byStatus)
	if err != nil {
		return out, fmt.Errorf("registrants by status of %s: %w", sessionID, err)
	}
	for _, s := range byStatus {
		out.ByStatus[s.Status] = s.N
		out.Total += s.N
	}
	var bySource []struct {
		Source   string `bun:"utm_source"`
		Campaign string `bun:"utm_campaign"`
		Referrer string `bun:"referrer"`
		N        int    `bun:"n"`
	}
	err = db.NewSelect().Model((*Registrant)(nil)).Column("utm_source", "utm_campaign", "referrer").ColumnExpr("COUNT(*) AS n").
		Where("session_id = ?", sessionID).Group("utm_source", "utm_campaign", "referrer").Scan(ctx, &bySource)
	if err != nil {
		return out, fmt.Errorf("registrants by source of %s: %w", sessionID, err)
	}
	sources, campaigns := map[string]int{}, map[string]int{}
	for _, s := range bySource {
		sources[sourceLabel(s.Source, s.Referrer)] += s.N
		campaigns[s.Campaign] += s.N
	}
	out.BySource, out.ByCampaign = sortedCounts(sources), sortedCounts(campaigns)
	return out, nil
}

// sourceLabel names where a registrant came from: the utm_source, else the referrer's host.
func sourceLabel(utmSource, referrer string) string {
	if utmSource != "" {
		return utmSource
	}
	if u, err := url.Parse(referrer); err == nil && u.Host != "" {
		return u.Host
	}
	return referrer
}

// sortedCounts lists counts by label, largest first (ties by label).
func sortedCounts(m map[string]int) []LabelCount {
	out := make([]LabelCount, 0, len(m))
	for l, n := range m {
		out = append(out, LabelCount{Label: l, Count: n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Label < out[j].Label
	})
	return out
}

func questionCounts(ctx context.Context, db bun.IDB, sessionID string) (QuestionCounts, error) {
	var out QuestionCounts
	err := db.NewSelect().Model((*Question)(nil)).ColumnExpr("COUNT(*) AS asked").
		ColumnExpr("COUNT(CASE WHEN answered_at IS NOT NULL OR answered_live THEN 1 END) AS answered").
		ColumnExpr("COUNT(CASE WHEN answered_live THEN 1 END) AS answered_live").
		ColumnExpr("COUNT(CASE WHEN private THEN 1 END) AS private").
		Where("session_id = ?", sessionID).Where("deleted_at IS NULL").Scan(ctx, &out.Asked, &out.Answered, &out.AnsweredLive, &out.Private)
	if err != nil {
		return out, fmt.Errorf("questions of %s: %w", sessionID, err)
	}
	return out, nil
}

func pollResults(ctx context.Context, db bun.IDB, sessionID string) ([]PollResult, error) {
	var polls []Poll
	err := db.NewSelect().Model(&polls).Where("session_id = ?", sessionID).Where("status <> ?", PollDraft).OrderExpr("id").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("polls of %s: %w", sessionID, err)
	}
	ids := make([]string, len(polls))
	for i := range polls {
		ids[i] = polls[i].ID
	}
	tallies, err := PollTallies(ctx, db, sessionID, ids)
	if err != nil {
		return nil, err
	}
	votes := map[string]map[int]int{}
	for _, t := range tallies {
		if votes[t.PollID] == nil {
			votes[t.PollID] = map[int]int{}
		}
		votes[t.PollID][t.Option] = t.Votes
	}
	out := make([]PollResult, len(polls))
	for i, p := range polls {
		res := PollResult{ID: p.ID, Question: p.Question, Status: p.Status, Options: make([]OptionResult, len(p.Options))}
		for o, text := range p.Options {
			res.Options[o] = OptionResult{Text: text, Votes: votes[p.ID][o]}
			res.Votes += votes[p.ID][o]
		}
		for o := range res.Options {
			res.Options[o].Percent = percent(res.Options[o].Votes, res.Votes)
		}
		out[i] = res
	}
	return out, nil
}

// percent is part of whole in percent with one decimal (0 of nothing).
func percent(part, whole int) float64 {
	if whole == 0 {
		return 0
	}
	return float64(int(float64(part)*1000/float64(whole)+0.5)) / 10
}
