package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

// EventReport aggregates the reports of an event's sessions: registrants, attendance,
// questions, polls, calls to action and reactions summed over them, each session's own
// figures, and the most engaged registrants of all its sessions.
type EventReport struct {
	EventID      string           `json:"event_id"`
	Title        string           `json:"title"`
	Sessions     []SessionSummary `json:"sessions"`
	Registrants  RegistrantCounts `json:"registrants"`
	Live         int              `json:"live"`
	Replay       int              `json:"replay"`
	ReplayViews  int              `json:"replay_views"`
	ChatMessages int              `json:"chat_messages"`
	Questions    QuestionCounts   `json:"questions"`
	Polls        int              `json:"polls"`
	PollVotes    int              `json:"poll_votes"`
	CTAClicks    int              `json:"cta_clicks"`
	Reactions    int              `json:"reactions"`
	Engagement   EngagementReport `json:"engagement"`
}

// SessionSummary is one session's line in its event's report.
type SessionSummary struct {
	SessionID      string    `json:"session_id"`
	StartsAt       time.Time `json:"starts_at"`
	Timezone       string    `json:"timezone"`
	Status         string    `json:"status"`
	Registrants    int       `json:"registrants"`
	Live           int       `json:"live"`
	Replay         int       `json:"replay"`
	PeakViewers    int       `json:"peak_viewers"`
	AverageViewers float64   `json:"average_viewers"`
	Engagement     float64   `json:"engagement"`
}

// eventReportPage is how many sessions the event report reads at a time.
const eventReportPage = 100

// BuildEventReport reads the reports of every session of ev and sums them.
func BuildEventReport(ctx context.Context, db bun.IDB, ev *Event, now time.Time) (*EventReport, error) {
	out := &EventReport{EventID: ev.ID, Title: ev.Title, Sessions: []SessionSummary{},
		Registrants: RegistrantCounts{ByStatus: map[string]int{}}, Engagement: EngagementReport{Top: []TopAttendee{}}}
	sources, campaigns := map[string]int{}, map[string]int{}
	var top []TopAttendee
	weighted, attended := 0.0, 0
	for cursor := ""; ; {
		sessions, err := SessionsPage(ctx, db, ev.WorkspaceID, ev.ID, cursor, eventReportPage)
		if err != nil {
			return nil, err
		}
		for i := range sessions {
			r, err := BuildSessionReport(ctx, db, &sessions[i], now)
			if err != nil {
				return nil, err
			}
			out.add(r, sources, campaigns)
			top = append(top, r.Engagement.Top...)
			// The event's average weighs each session by its attendees.
			weighted += r.Engagement.Average * float64(r.Engagement.Attended)
			attended += r.Engagement.Attended
		}
		if len(sessions) < eventReportPage {
			break
		}
		cursor = sessions[len(sessions)-1].ID
	}
	out.Registrants.BySource, out.Registrants.ByCampaign = sortedCounts(sources), sortedCounts(campaigns)
	if attended > 0 {
		out.Engagement.Average = float64(int(weighted/float64(attended)*10+0.5)) / 10
	}
	out.Engagement.Attended = attended
	ranked := make([]Engagement, len(top))
	byID := map[string]TopAttendee{}
	for i, t := range top {
		ranked[i] = t.Engagement
		byID[t.RegistrantID] = t
	}
	RankEngagement(ranked)
	for _, e := range ranked[:min(len(ranked), ReportTopAttendees)] {
		out.Engagement.Top = append(out.Engagement.Top, byID[e.RegistrantID])
	}
	return out, nil
}

func (out *EventReport) add(r *SessionReport, sources, campaigns map[string]int) {
	for status, n := range r.Registrants.ByStatus {
		out.Registrants.ByStatus[status] += n
	}
	out.Registrants.Total += r.Registrants.Total
	for _, s := range r.Registrants.BySource {
		sources[s.Label] += s.Count
	}
	for _, c := range r.Registrants.ByCampaign {
		campaigns[c.Label] += c.Count
	}
	out.Live += r.Attendance.Live
	out.Replay += r.Attendance.Replay
	out.ReplayViews += r.Attendance.ReplayViews
	out.ChatMessages += r.ChatMessages
	out.Questions.Asked += r.Questions.Asked
	out.Questions.Answered += r.Questions.Answered
	out.Questions.AnsweredLive += r.Questions.AnsweredLive
	out.Questions.Private += r.Questions.Private
	out.Polls += len(r.Polls)
	for _, p := range r.Polls {
		out.PollVotes += p.Votes
	}
	out.CTAClicks += r.CTAClicks
	out.Reactions += r.Reactions.Total
	out.Sessions = append(out.Sessions, SessionSummary{SessionID: r.SessionID, StartsAt: r.StartsAt, Timezone: r.Timezone,
		Status: r.Status, Registrants: r.Registrants.Total, Live: r.Attendance.Live, Replay: r.Attendance.Replay,
		PeakViewers: r.Attendance.PeakViewers, AverageViewers: r.Attendance.AverageViewers, Engagement: r.Engagement.Average})
}
