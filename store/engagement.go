package store

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/uptrace/bun"
)

// Engagement is what one registrant did in their session's room, and the score it earns.
//
// The engagement score (0–10, one decimal) adds six capped components, so no single habit
// (chatting a lot, say) outweighs having watched:
//
//	watched    4 × min(1, seconds watched live ÷ the session's length)
//	           (a replay view, when they did not watch more live, counts as 1)
//	chat       1 × min(1, chat messages ÷ 5)       (deleted messages do not count)
//	questions  1.5 × min(1, questions ÷ 2)         (deleted questions do not count)
//	polls      1.5 × polls answered ÷ polls sent to the room (0 when none was sent)
//	reactions  1 × min(1, reactions ÷ 10)
//	CTA        1 when they clicked a call to action at least once
//
// The session's length is its live time (ended − started) once it went live and ended,
// else its planned duration. SessionEngagement scores a whole session, EngagementScores a
// batch of registrants (a page of an export or of the registrant API) with the same rules.
type Engagement struct {
	RegistrantID   string  `json:"registrant_id"`
	SessionID      string  `json:"session_id"`
	SecondsLive    int     `json:"seconds_live"`
	ReplayViews    int     `json:"replay_views"`
	ChatMessages   int     `json:"chat_messages"`
	Questions      int     `json:"questions"`
	PollVotes      int     `json:"poll_votes"`
	Reactions      int     `json:"reactions"`
	CTAClicks      int     `json:"cta_clicks"`
	SessionSeconds int     `json:"-"`
	PollsSent      int     `json:"-"`
	Score          float64 `json:"score"`
}

// Weights and caps of the engagement score (see Engagement).
const (
	engagementWatchWeight     = 4.0
	engagementChatWeight      = 1.0
	engagementQuestionWeight  = 1.5
	engagementPollWeight      = 1.5
	engagementReactionWeight  = 1.0
	engagementCTAWeight       = 1.0
	engagementChatCap         = 5
	engagementQuestionCap     = 2
	engagementReactionCap     = 10
	engagementReplayWatchFlat = 1.0
)

// RoomEventCTAClick is a participant's click on the call to action on screen (Data: cta, url).
const RoomEventCTAClick = "cta.click"

// EngagementScore computes e's score from its counts (see Engagement for the formula).
func EngagementScore(e Engagement) float64 {
	capped := func(n, limit int) float64 { return math.Min(1, float64(n)/float64(limit)) }
	watched := 0.0
	if e.SessionSeconds > 0 {
		watched = engagementWatchWeight * math.Min(1, float64(e.SecondsLive)/float64(e.SessionSeconds))
	}
	if e.ReplayViews > 0 {
		watched = math.Max(watched, engagementReplayWatchFlat)
	}
	polls := 0.0
	if e.PollsSent > 0 {
		polls = engagementPollWeight * math.Min(1, float64(e.PollVotes)/float64(e.PollsSent))
	}
	cta := 0.0
	if e.CTAClicks > 0 {
		cta = engagementCTAWeight
	}
	score := watched + polls + cta +
		engagementChatWeight*capped(e.ChatMessages, engagementChatCap) +
		engagementQuestionWeight*capped(e.Questions, engagementQuestionCap) +
		engagementReactionWeight*capped(e.Reactions, engagementReactionCap)
	return math.Round(score*10) / 10
}

// SessionSeconds is the length a session's watch time is measured against: its live time
// once it went live and ended, else its planned duration.
func SessionSeconds(s *Session) int {
	if s.StartedAt != nil && s.EndedAt != nil && s.EndedAt.After(*s.StartedAt) {
		return int(s.EndedAt.Sub(*s.StartedAt) / time.Second)
	}
	return s.DurationMinutes * 60
}

// EngagementScores scores the given registrants of workspace ws (any sessions), keyed by
// registrant id; ids of no registrant of ws are left out. One query per source, whatever
// the batch's size: exports call it once per page.
func EngagementScores(ctx context.Context, db bun.IDB, ws string, registrantIDs []string) (map[string]Engagement, error) {
	out := map[string]Engagement{}
	if len(registrantIDs) == 0 {
		return out, nil
	}
	var regs []Registrant
	err := db.NewSelect().Model(&regs).Column("id", "session_id").
		Where("workspace_id = ?", ws).Where("id IN (?)", bun.In(registrantIDs)).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("registrants to score: %w", err)
	}
	seen := map[string]bool{}
	var sessionIDs []string
	for _, r := range regs {
		if !seen[r.SessionID] {
			seen[r.SessionID] = true
			sessionIDs = append(sessionIDs, r.SessionID)
		}
		out[r.ID] = Engagement{RegistrantID: r.ID, SessionID: r.SessionID}
	}
	if len(out) == 0 {
		return out, nil
	}
	ids := make([]string, 0, len(out))
	for id := range out {
		ids = append(ids, id)
	}
	return out, scoreEngagement(ctx, db, sessionIDs, ids, out)
}

// SessionEngagement scores the session's registrants who left a trace in its room (attended,
// watched the replay, wrote, voted, reacted or clicked), keyed by registrant id; registrants
// who did nothing score 0 and are left out, and so is the staff.
func SessionEngagement(ctx context.Context, db bun.IDB, sessionID string) (map[string]Engagement, error) {
	out := map[string]Engagement{}
	return out, scoreEngagement(ctx, db, []string{sessionID}, nil, out)
}

// personCount is one person's count of something in a session.
type personCount struct {
	PersonID  string `bun:"person_id"`
	SessionID string `bun:"session_id"`
	N         int    `bun:"n"`
	Replays   int    `bun:"replays"`
	Kind      string `bun:"kind"`
}

// scoreEngagement fills out with the counts and scores of the people of sessionIDs (only
// personIDs when given, which must already be keys of out).
func scoreEngagement(ctx context.Context, db bun.IDB, sessionIDs, personIDs []string, out map[string]Engagement) error {
	narrow := func(q *bun.SelectQuery, personColumn string) *bun.SelectQuery {
		q = q.Where("session_id IN (?)", bun.In(sessionIDs))
		if personIDs != nil {
			return q.Where("? IN (?)", bun.Ident(personColumn), bun.In(personIDs))
		}
		registrants := db.NewSelect().Model((*Registrant)(nil)).Column("id").Where("session_id IN (?)", bun.In(sessionIDs))
		return q.Where("? IN (?)", bun.Ident(personColumn), registrants)
	}
	add := func(c personCount, set func(e *Engagement, c personCount)) {
		e, ok := out[c.PersonID]
		if !ok {
			if personIDs != nil {
				return
			}
			e = Engagement{RegistrantID: c.PersonID, SessionID: c.SessionID}
		}
		set(&e, c)
		out[c.PersonID] = e
	}
	var counts []personCount
	err := narrow(db.NewSelect().Model((*Attendance)(nil)), "person_id").Column("person_id", "session_id").
		ColumnExpr("COALESCE(SUM(CASE WHEN kind = ? THEN seconds ELSE 0 END), 0) AS n", AttendanceLive).
		ColumnExpr("COUNT(CASE WHEN kind = ? THEN 1 END) AS replays", AttendanceReplay).
		Group("person_id", "session_id").Scan(ctx, &counts)
	if err != nil {
		return fmt.Errorf("attendance to score: %w", err)
	}
	for _, c := range counts {
		add(c, func(e *Engagement, c personCount) { e.SecondsLive, e.ReplayViews = c.N, c.Replays })
	}
	perPerson := []struct {
		model any
		live  bool // soft-deleted rows do not count
		set   func(e *Engagement, c personCount)
	}{
		{(*ChatMessage)(nil), true, func(e *Engagement, c personCount) { e.ChatMessages = c.N }},
		{(*Question)(nil), true, func(e *Engagement, c personCount) { e.Questions = c.N }},
		{(*PollVote)(nil), false, func(e *Engagement, c personCount) { e.PollVotes = c.N }},
	}
	for _, src := range perPerson {
		counts = counts[:0]
		q := narrow(db.NewSelect().Model(src.model), "person_id").Column("person_id", "session_id").
			ColumnExpr("COUNT(*) AS n").Group("person_id", "session_id")
		if src.live {
			q = q.Where("deleted_at IS NULL")
		}
		if err := q.Scan(ctx, &counts); err != nil {
			return fmt.Errorf("%T to score: %w", src.model, err)
		}
		for _, c := range counts {
			add(c, src.set)
		}
	}
	counts = counts[:0]
	err = narrow(db.NewSelect().Model((*RoomEvent)(nil)), "actor_id").
		ColumnExpr("actor_id AS person_id").Column("session_id", "kind").ColumnExpr("COUNT(*) AS n").
		Where("kind IN (?)", bun.In([]string{RoomEventReaction, RoomEventCTAClick})).
		Group("actor_id", "session_id", "kind").Scan(ctx, &counts)
	if err != nil {
		return fmt.Errorf("reactions and clicks to score: %w", err)
	}
	for _, c := range counts {
		add(c, func(e *Engagement, c personCount) {
			if c.Kind == RoomEventReaction {
				e.Reactions = c.N
			} else {
				e.CTAClicks = c.N
			}
		})
	}
	return finishScores(ctx, db, sessionIDs, out)
}

// finishScores sets each engagement's session length and polls sent, then its score.
func finishScores(ctx context.Context, db bun.IDB, sessionIDs []string, out map[string]Engagement) error {
	var sessions []Session
	if err := db.NewSelect().Model(&sessions).Where("id IN (?)", bun.In(sessionIDs)).Scan(ctx); err != nil {
		return fmt.Errorf("sessions to score: %w", err)
	}
	seconds := map[string]int{}
	for i := range sessions {
		seconds[sessions[i].ID] = SessionSeconds(&sessions[i])
	}
	var sent []personCount
	err := db.NewSelect().Model((*Poll)(nil)).Column("session_id").ColumnExpr("COUNT(*) AS n").
		Where("session_id IN (?)", bun.In(sessionIDs)).Where("status <> ?", PollDraft).
		Group("session_id").Scan(ctx, &sent)
	if err != nil {
		return fmt.Errorf("polls sent to score: %w", err)
	}
	polls := map[string]int{}
	for _, c := range sent {
		polls[c.SessionID] = c.N
	}
	for id, e := range out {
		e.SessionSeconds, e.PollsSent = seconds[e.SessionID], polls[e.SessionID]
		e.Score = EngagementScore(e)
		out[id] = e
	}
	return nil
}
