package api

import (
	"context"

	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/tabular"
)

// The columns of each export after the session's (exportScope.sessionHeader): headers are
// catalogue ids under export.column, written in the event's language.

// registrantColumn is one fixed column of the registrants export.
type registrantColumn struct {
	label string
	cell  func(x *exportScope, s *exportSession, r *store.RegistrantAttendance) tabular.Cell
}

// registrantColumns are the registrants export's fixed columns, in order; a new one (an
// new score, say) is one more line. The source parts and the event's custom fields,
// headed by the labels their authors typed, follow them.
var registrantColumns = []registrantColumn{
	{"registrant_ref", func(_ *exportScope, _ *exportSession, r *store.RegistrantAttendance) tabular.Cell {
		return tabular.Text(r.ID)
	}},
	{"email", func(_ *exportScope, _ *exportSession, r *store.RegistrantAttendance) tabular.Cell {
		return tabular.Text(r.Email)
	}},
	{"name", func(_ *exportScope, _ *exportSession, r *store.RegistrantAttendance) tabular.Cell {
		return tabular.Text(r.Name)
	}},
	{"status", func(_ *exportScope, _ *exportSession, r *store.RegistrantAttendance) tabular.Cell {
		return tabular.Text(r.Status)
	}},
	{"registered_at", func(_ *exportScope, s *exportSession, r *store.RegistrantAttendance) tabular.Cell {
		return s.at(&r.CreatedAt)
	}},
	{"first_join", func(_ *exportScope, s *exportSession, r *store.RegistrantAttendance) tabular.Cell {
		return s.at(r.FirstJoin)
	}},
	{"last_leave", func(_ *exportScope, s *exportSession, r *store.RegistrantAttendance) tabular.Cell {
		return s.at(r.LastLeave)
	}},
	{"seconds_attended", func(_ *exportScope, _ *exportSession, r *store.RegistrantAttendance) tabular.Cell {
		return tabular.Int(r.SecondsLive)
	}},
	{"attended_live", func(x *exportScope, _ *exportSession, r *store.RegistrantAttendance) tabular.Cell {
		return x.yesNo(r.AttendedLive)
	}},
	{"replay_views", func(_ *exportScope, _ *exportSession, r *store.RegistrantAttendance) tabular.Cell {
		return tabular.Int(r.ReplayViews)
	}},
	{"engagement_score", func(_ *exportScope, s *exportSession, r *store.RegistrantAttendance) tabular.Cell {
		return tabular.Decimal(s.scores[r.ID].Score)
	}},
	{"consented_at", func(_ *exportScope, s *exportSession, r *store.RegistrantAttendance) tabular.Cell {
		return s.at(r.ConsentedAt)
	}},
}

func registrantsHeader(x *exportScope) []string {
	h := make([]string, 0, len(registrantColumns)+len(store.SourceFields)+len(x.fields))
	for _, c := range registrantColumns {
		h = append(h, x.label(c.label))
	}
	h = append(h, x.labels(store.SourceFields...)...)
	for _, f := range x.fields {
		h = append(h, f.Label)
	}
	return h
}

func registrantRows(ctx context.Context, s *Server, x *exportScope, ses *exportSession, emit func([]tabular.Cell) error) error {
	return eachRow(func(cursor string) ([]store.RegistrantAttendance, error) {
		page, err := store.RegistrantsPage(ctx, s.db, ses.ID, cursor, exportPage)
		if err != nil {
			return nil, err
		}
		ids := make([]string, len(page))
		for i := range page {
			ids[i] = page[i].ID
		}
		ses.scores, err = store.EngagementScores(ctx, s.db, ses.WorkspaceID, ids)
		return page, err
	}, func(r store.RegistrantAttendance) string { return r.ID }, func(r store.RegistrantAttendance) error {
		row := x.sessionCells(ses)
		for _, c := range registrantColumns {
			row = append(row, c.cell(x, ses, &r))
		}
		for _, v := range r.Source.Values() {
			row = append(row, tabular.Text(v))
		}
		for _, f := range x.fields {
			row = append(row, tabular.Text(r.Fields[f.Key]))
		}
		return emit(row)
	})
}

func chatHeader(x *exportScope) []string {
	return x.labels("message_ref", "sent_at", "person_ref", "name", "role", "text", "deleted")
}

func chatRows(ctx context.Context, s *Server, x *exportScope, ses *exportSession, emit func([]tabular.Cell) error) error {
	return eachRow(func(cursor string) ([]store.ChatMessage, error) {
		return store.ChatPage(ctx, s.db, ses.ID, cursor, exportPage)
	}, func(m store.ChatMessage) string { return m.ID }, func(m store.ChatMessage) error {
		return emit(x.sessionCells(ses, tabular.Text(m.ID), ses.at(&m.CreatedAt), tabular.Text(m.PersonID), tabular.Text(m.Name),
			tabular.Text(m.Role), tabular.Text(m.Text), x.yesNo(m.DeletedAt != nil)))
	})
}

func questionsHeader(x *exportScope) []string {
	return x.labels("question_ref", "asked_at", "person_ref", "asker", "question", "private", "answered",
		"answered_live", "answer", "answered_by", "answered_at", "deleted")
}

func questionRows(ctx context.Context, s *Server, x *exportScope, ses *exportSession, emit func([]tabular.Cell) error) error {
	return eachRow(func(cursor string) ([]store.Question, error) {
		return store.QuestionsPage(ctx, s.db, ses.ID, cursor, exportPage)
	}, func(q store.Question) string { return q.ID }, func(q store.Question) error {
		answered := q.AnsweredAt != nil || q.Answer != "" || q.AnsweredLive
		return emit(x.sessionCells(ses, tabular.Text(q.ID), ses.at(&q.CreatedAt), tabular.Text(q.PersonID), tabular.Text(q.Name),
			tabular.Text(q.Text), x.yesNo(q.Private), x.yesNo(answered), x.yesNo(q.AnsweredLive), tabular.Text(q.Answer),
			tabular.Text(q.AnsweredBy), ses.at(q.AnsweredAt), x.yesNo(q.DeletedAt != nil)))
	})
}

func pollsHeader(x *exportScope) []string {
	return x.labels("poll_ref", "question", "poll_status", "option_index", "option", "votes")
}

// pollRows is the result per question: one row per option with its vote count.
func pollRows(ctx context.Context, s *Server, x *exportScope, ses *exportSession, emit func([]tabular.Cell) error) error {
	polls, err := sessionPolls(ctx, s, ses.ID)
	if err != nil {
		return err
	}
	ids := make([]string, len(polls))
	for i := range polls {
		ids[i] = polls[i].ID
	}
	tallies, err := store.PollTallies(ctx, s.db, ses.ID, ids)
	if err != nil {
		return err
	}
	votes := map[string]map[int]int{}
	for _, t := range tallies {
		if votes[t.PollID] == nil {
			votes[t.PollID] = map[int]int{}
		}
		votes[t.PollID][t.Option] = t.Votes
	}
	for _, p := range polls {
		for i, opt := range p.Options {
			row := x.sessionCells(ses, tabular.Text(p.ID), tabular.Text(p.Question), tabular.Text(p.Status), tabular.Int(i),
				tabular.Text(opt), tabular.Int(votes[p.ID][i]))
			if err := emit(row); err != nil {
				return err
			}
		}
	}
	return nil
}

// sessionPolls reads a session's polls at once: staff create them by hand, so they are few.
func sessionPolls(ctx context.Context, s *Server, sessionID string) ([]store.Poll, error) {
	var polls []store.Poll
	err := eachRow(func(cursor string) ([]store.Poll, error) {
		return store.PollsPage(ctx, s.db, sessionID, cursor, exportPage)
	}, func(p store.Poll) string { return p.ID }, func(p store.Poll) error {
		polls = append(polls, p)
		return nil
	})
	return polls, err
}

func votesHeader(x *exportScope) []string {
	return x.labels("poll_ref", "question", "person_ref", "name", "option_index", "option", "voted_at")
}

// voteRows is the result per respondent, votes paged.
func voteRows(ctx context.Context, s *Server, x *exportScope, ses *exportSession, emit func([]tabular.Cell) error) error {
	list, err := sessionPolls(ctx, s, ses.ID)
	if err != nil {
		return err
	}
	polls := make(map[string]store.Poll, len(list))
	for _, p := range list {
		polls[p.ID] = p
	}
	return eachRow(func(cursor string) ([]store.PollVote, error) {
		return store.VotesPage(ctx, s.db, ses.ID, cursor, exportPage)
	}, func(v store.PollVote) string { return v.ID }, func(v store.PollVote) error {
		p := polls[v.PollID]
		option := ""
		if v.Option >= 0 && v.Option < len(p.Options) {
			option = p.Options[v.Option]
		}
		return emit(x.sessionCells(ses, tabular.Text(v.PollID), tabular.Text(p.Question), tabular.Text(v.PersonID),
			tabular.Text(v.Name), tabular.Int(v.Option), tabular.Text(option), ses.at(&v.CreatedAt)))
	})
}
