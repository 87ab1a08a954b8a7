package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Exports read a session's data one page at a time, by id: the API writes each page out
// before asking for the next, so an export of any size holds one page in memory.

// RegistrantAttendance is one registrant with what the attendance rows say about them.
type RegistrantAttendance struct {
	Registrant
	FirstJoin    *time.Time
	LastLeave    *time.Time
	SecondsLive  int
	ReplayViews  int
	AttendedLive bool
}

// attendanceTotals is one person's aggregate over a session's attendance rows.
type attendanceTotals struct {
	firstJoin, lastLeave   *time.Time
	seconds, live, replays int
}

// add counts one visit: live visits give the first join, last leave and seconds; replays
// are counted.
func (t *attendanceTotals) add(v *Attendance) {
	if v.Kind == AttendanceReplay {
		t.replays++
		return
	}
	if v.Kind != AttendanceLive {
		return
	}
	t.live++
	t.seconds += v.Seconds
	if t.firstJoin == nil || v.JoinedAt.Before(*t.firstJoin) {
		joined := v.JoinedAt
		t.firstJoin = &joined
	}
	if v.LeftAt != nil && (t.lastLeave == nil || v.LeftAt.After(*t.lastLeave)) {
		t.lastLeave = v.LeftAt
	}
}

// RegistrantsPage returns up to limit registrants of a session after the id cursor, with
// their first join, last leave, seconds attended live and replay views.
func RegistrantsPage(ctx context.Context, db bun.IDB, sessionID, after string, limit int) ([]RegistrantAttendance, error) {
	regs, err := roomPage[Registrant](ctx, db, sessionID, after, limit)
	if err != nil {
		return nil, err
	}
	out := make([]RegistrantAttendance, len(regs))
	if len(regs) == 0 {
		return out, nil
	}
	ids := make([]string, len(regs))
	for i := range regs {
		ids[i] = regs[i].ID
	}
	// The page's visits as rows, summed here: a GROUP BY over person_id IN (…) made the
	// planner sort them on every page. The id range (registrant ids are the visits' person
	// ids) bounds the index scan to the page even where statistics are missing.
	var visits []Attendance
	err = db.NewSelect().Model(&visits).Column("person_id", "kind", "joined_at", "left_at", "seconds").
		Where("session_id = ?", sessionID).Where("person_id BETWEEN ? AND ?", ids[0], ids[len(ids)-1]).
		Where("person_id IN (?)", bun.In(ids)).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("attendance of %s: %w", sessionID, err)
	}
	byPerson := make(map[string]*attendanceTotals, len(regs))
	for i := range visits {
		t := byPerson[visits[i].PersonID]
		if t == nil {
			t = &attendanceTotals{}
			byPerson[visits[i].PersonID] = t
		}
		t.add(&visits[i])
	}
	for i := range regs {
		t := byPerson[regs[i].ID]
		if t == nil {
			t = &attendanceTotals{}
		}
		out[i] = RegistrantAttendance{Registrant: regs[i], FirstJoin: t.firstJoin, LastLeave: t.lastLeave,
			SecondsLive: t.seconds, ReplayViews: t.replays, AttendedLive: t.live > 0}
	}
	return out, nil
}

// ChatPage returns up to limit chat messages of a session after the id cursor, oldest first.
func ChatPage(ctx context.Context, db bun.IDB, sessionID, after string, limit int) ([]ChatMessage, error) {
	return roomPage[ChatMessage](ctx, db, sessionID, after, limit)
}

// QuestionsPage returns up to limit questions of a session after the id cursor.
func QuestionsPage(ctx context.Context, db bun.IDB, sessionID, after string, limit int) ([]Question, error) {
	return roomPage[Question](ctx, db, sessionID, after, limit)
}

// PollsPage returns up to limit polls of a session after the id cursor.
func PollsPage(ctx context.Context, db bun.IDB, sessionID, after string, limit int) ([]Poll, error) {
	return roomPage[Poll](ctx, db, sessionID, after, limit)
}

// VotesPage returns up to limit votes of a session after the id cursor.
func VotesPage(ctx context.Context, db bun.IDB, sessionID, after string, limit int) ([]PollVote, error) {
	return roomPage[PollVote](ctx, db, sessionID, after, limit)
}

// PollTally is how many votes one option of one poll got.
type PollTally struct {
	PollID string `bun:"poll_id"`
	Option int    `bun:"option"`
	Votes  int    `bun:"votes"`
}

// PollTallies counts the votes of the given polls per option.
func PollTallies(ctx context.Context, db bun.IDB, sessionID string, pollIDs []string) ([]PollTally, error) {
	var out []PollTally
	if len(pollIDs) == 0 {
		return out, nil
	}
	err := db.NewSelect().Model((*PollVote)(nil)).Column("poll_id", "option").ColumnExpr("COUNT(*) AS votes").
		Where("session_id = ?", sessionID).Where("poll_id IN (?)", bun.In(pollIDs)).Group("poll_id", "option").
		OrderExpr("poll_id, option").Scan(ctx, &out)
	if err != nil {
		return nil, fmt.Errorf("poll tallies of %s: %w", sessionID, err)
	}
	return out, nil
}

// SessionsPage returns up to limit sessions of an event after the id cursor.
func SessionsPage(ctx context.Context, db bun.IDB, ws, eventID, after string, limit int) ([]Session, error) {
	var rows []Session
	q := db.NewSelect().Model(&rows).Where("workspace_id = ?", ws).Where("event_id = ?", eventID)
	if after != "" {
		q = q.Where("id > ?", after)
	}
	if err := q.OrderExpr("id ASC").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("sessions of event %s: %w", eventID, err)
	}
	return rows, nil
}

func roomPage[T any](ctx context.Context, db bun.IDB, sessionID, after string, limit int) ([]T, error) {
	var rows []T
	q := db.NewSelect().Model(&rows).Where("session_id = ?", sessionID)
	if after != "" {
		q = q.Where("id > ?", after)
	}
	if err := q.OrderExpr("id ASC").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("%T of %s: %w", rows, sessionID, err)
	}
	return rows, nil
}

// ExportCounts is how much a session's exports hold.
type ExportCounts struct {
	Registrants, Attended, Messages, Questions, Polls, Votes int
}

// CountExports counts a session's registrants, the participants who attended live (each
// once), chat messages, questions, polls and votes. It counts all it can: an error names
// every count that failed, the others are filled in.
func CountExports(ctx context.Context, db bun.IDB, sessionID string) (ExportCounts, error) {
	var out ExportCounts
	count := func(model any, dst *int) error {
		n, err := db.NewSelect().Model(model).Where("session_id = ?", sessionID).Count(ctx)
		if err != nil {
			return fmt.Errorf("count %T of %s: %w", model, sessionID, err)
		}
		*dst = int(n)
		return nil
	}
	steps := []error{
		count((*Registrant)(nil), &out.Registrants),
		count((*ChatMessage)(nil), &out.Messages),
		count((*Question)(nil), &out.Questions),
		count((*Poll)(nil), &out.Polls),
		count((*PollVote)(nil), &out.Votes),
	}
	if err := errors.Join(steps...); err != nil {
		return out, err
	}
	// count(DISTINCT …) in the query itself: bun's Count replaces the column list with
	// count(*), which would count visits (a reconnect is a new one), not people.
	err := db.NewSelect().Model((*Attendance)(nil)).ColumnExpr("count(DISTINCT person_id)").
		Where("session_id = ?", sessionID).Where("kind = ?", AttendanceLive).Where("role = ?", "participant").
		Scan(ctx, &out.Attended)
	if err != nil {
		return out, fmt.Errorf("count attendees of %s: %w", sessionID, err)
	}
	return out, nil
}
