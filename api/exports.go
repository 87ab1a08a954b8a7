package api

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/tabular"
)

// exportRoutes stream a session's (or every session of an event's) registrants with
// attendance, chat, questions and poll results as CSV or XLSX.
func (s *Server) exportRoutes() {
	for _, name := range slices.Sorted(maps.Keys(exportKinds)) {
		kind := exportKinds[name]
		s.add(route{ID: "exportSession" + camel(name), Query: []param{formatParam}, RawAlt: []string{mediaXLSX}, Method: http.MethodGet, Path: "/v1/sessions/:id/exports/" + name, Tag: "exports", Action: authz.EventExportSessions,
			Summary: "Export one session's " + kind.what + " (?format=csv, the default, or xlsx)",
			Raw:     "text/csv", Handler: s.exportSession(name)})
		s.add(route{ID: "exportEvent" + camel(name), Query: []param{formatParam}, RawAlt: []string{mediaXLSX}, Method: http.MethodGet, Path: "/v1/events/:id/exports/" + name, Tag: "exports", Action: authz.EventExportSessions,
			Summary: "Export the " + kind.what + " of every session of an event, one table with a session column (?format=csv|xlsx)",
			Raw:     "text/csv", Handler: s.exportEvent(name)})
	}
}

// exportPage is how many rows an export reads from the store at a time.
const exportPage = 500

// exportKind is one export: its header and the rows of one session, emitted page by page.
type exportKind struct {
	what   string
	header func(ev *store.Event) []string
	rows   func(ctx context.Context, s *Server, ev *store.Event, sessionID string, emit func([]string) error) error
}

var exportKinds = map[string]exportKind{
	"registrants": {"registrants with status, custom fields and attendance", registrantsHeader, registrantRows},
	"chat":        {"chat", func(*store.Event) []string { return chatHeader }, chatRows},
	"questions":   {"questions and answers", func(*store.Event) []string { return questionsHeader }, questionRows},
	"polls":       {"poll results per question", func(*store.Event) []string { return pollsHeader }, pollRows},
	"votes":       {"poll answers per respondent", func(*store.Event) []string { return votesHeader }, voteRows},
}

type exportRequest struct {
	kind   exportKind
	name   string
	format string
}

func parseExport(c *gin.Context, name string) (exportRequest, error) {
	format := c.DefaultQuery("format", tabular.CSV)
	if _, ok := tabular.ContentType(format); !ok {
		return exportRequest{}, badInput("format", "format must be csv or xlsx")
	}
	return exportRequest{kind: exportKinds[name], name: name, format: format}, nil
}

func (s *Server) exportSession(name string) gin.HandlerFunc {
	return func(c *gin.Context) { s.exportOneSession(c, name) }
}

func (s *Server) exportEvent(name string) gin.HandlerFunc {
	return func(c *gin.Context) { s.exportAllSessions(c, name) }
}

func (s *Server) exportOneSession(c *gin.Context, name string) {
	req, err := parseExport(c, name)
	if err != nil {
		fail(c, err)
		return
	}
	// Team members act in a session's exports with their session role's rights (§4).
	if d := authz.CanInRoom(authz.RoomContext{Role: authz.SessionRoleFor(caller(c).subject())}, authz.ExportRegistrantsChatQuestions); !d.Allowed {
		fail(c, forbidden(d))
		return
	}
	ses, ev, err := s.sessionAndEvent(c)
	if err != nil {
		fail(c, err)
		return
	}
	s.writeExport(c, req, ev, "session-"+ses.ID, func(emit func([]string) error) error {
		return req.kind.rows(c.Request.Context(), s, ev, ses.ID, emit)
	})
}

func (s *Server) exportAllSessions(c *gin.Context, name string) {
	req, err := parseExport(c, name)
	if err != nil {
		fail(c, err)
		return
	}
	ev, err := s.eventOf(c)
	if err != nil {
		fail(c, err)
		return
	}
	ctx := c.Request.Context()
	s.writeExport(c, req, ev, "event-"+ev.ID, func(emit func([]string) error) error {
		return eachRow(func(cursor string) ([]store.Session, error) {
			return store.SessionsPage(ctx, s.db, ev.WorkspaceID, ev.ID, cursor, exportPage)
		}, func(ses store.Session) string { return ses.ID }, func(ses store.Session) error {
			return req.kind.rows(ctx, s, ev, ses.ID, emit)
		})
	})
}

// writeExport sends the header and streams the rows. Once the first byte left, a store
// error can no longer become a problem response: it is logged and the response is aborted
// (the connection drops before the last chunk), so the client sees a failed download rather
// than a short file that looks complete.
func (s *Server) writeExport(c *gin.Context, req exportRequest, ev *store.Event, prefix string, rows func(emit func([]string) error) error) {
	contentType, _ := tabular.ContentType(req.format)
	c.Header("Content-Type", contentType)
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%s.%s"`, prefix, req.name, req.format))
	c.Header("Cache-Control", "no-store")
	c.Status(http.StatusOK)
	tw, err := tabular.NewWriter(req.format, c.Writer)
	if err == nil {
		err = tw.Row(req.kind.header(ev))
	}
	if err == nil {
		err = rows(tw.Row)
	}
	if err == nil {
		err = tw.Close()
	}
	if err != nil {
		s.log.ErrorContext(c.Request.Context(), "export cut short", "workspace", ev.WorkspaceID, "event", ev.ID, "export", prefix+"-"+req.name, "err", err)
		panic(http.ErrAbortHandler)
	}
}

func registrantsHeader(ev *store.Event) []string {
	h := []string{"session_id", "registrant_id", "email", "name", "status", "registered_at", "first_join", "last_leave",
		"seconds_attended", "attended_live", "replay_views", "consented_at"}
	h = append(h, store.SourceFields...)
	return append(h, ev.Settings.CustomFields...)
}

func registrantRows(ctx context.Context, s *Server, ev *store.Event, sessionID string, emit func([]string) error) error {
	return eachRow(func(cursor string) ([]store.RegistrantAttendance, error) {
		return store.RegistrantsPage(ctx, s.db, sessionID, cursor, exportPage)
	}, func(r store.RegistrantAttendance) string { return r.ID }, func(r store.RegistrantAttendance) error {
		row := []string{r.SessionID, r.ID, r.Email, r.Name, r.Status, stamp(&r.CreatedAt), stamp(r.FirstJoin), stamp(r.LastLeave),
			strconv.Itoa(r.SecondsLive), yesNo(r.AttendedLive), strconv.Itoa(r.ReplayViews), stamp(r.ConsentedAt)}
		row = append(row, r.Source.Values()...)
		for _, key := range ev.Settings.CustomFields {
			row = append(row, r.Fields[key])
		}
		return emit(row)
	})
}

var chatHeader = []string{"session_id", "message_id", "sent_at", "person_id", "name", "role", "text", "deleted"}

func chatRows(ctx context.Context, s *Server, _ *store.Event, sessionID string, emit func([]string) error) error {
	return eachRow(func(cursor string) ([]store.ChatMessage, error) {
		return store.ChatPage(ctx, s.db, sessionID, cursor, exportPage)
	}, func(m store.ChatMessage) string { return m.ID }, func(m store.ChatMessage) error {
		return emit([]string{m.SessionID, m.ID, stamp(&m.CreatedAt), m.PersonID, m.Name, m.Role, m.Text, yesNo(m.DeletedAt != nil)})
	})
}

var questionsHeader = []string{"session_id", "question_id", "asked_at", "asker_id", "asker", "question", "private", "answered",
	"answered_live", "answer", "answered_by", "answered_at", "deleted"}

func questionRows(ctx context.Context, s *Server, _ *store.Event, sessionID string, emit func([]string) error) error {
	return eachRow(func(cursor string) ([]store.Question, error) {
		return store.QuestionsPage(ctx, s.db, sessionID, cursor, exportPage)
	}, func(q store.Question) string { return q.ID }, func(q store.Question) error {
		answered := q.AnsweredAt != nil || q.Answer != "" || q.AnsweredLive
		return emit([]string{q.SessionID, q.ID, stamp(&q.CreatedAt), q.PersonID, q.Name, q.Text, yesNo(q.Private), yesNo(answered),
			yesNo(q.AnsweredLive), q.Answer, q.AnsweredBy, stamp(q.AnsweredAt), yesNo(q.DeletedAt != nil)})
	})
}

var pollsHeader = []string{"session_id", "poll_id", "question", "status", "option_index", "option", "votes"}

// pollRows is the result per question: one row per option with its vote count.
func pollRows(ctx context.Context, s *Server, _ *store.Event, sessionID string, emit func([]string) error) error {
	polls, err := sessionPolls(ctx, s, sessionID)
	if err != nil {
		return err
	}
	ids := make([]string, len(polls))
	for i := range polls {
		ids[i] = polls[i].ID
	}
	tallies, err := store.PollTallies(ctx, s.db, sessionID, ids)
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
			if err := emit([]string{p.SessionID, p.ID, p.Question, p.Status, strconv.Itoa(i), opt, strconv.Itoa(votes[p.ID][i])}); err != nil {
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

var votesHeader = []string{"session_id", "poll_id", "question", "person_id", "name", "option_index", "option", "voted_at"}

// voteRows is the result per respondent, votes paged.
func voteRows(ctx context.Context, s *Server, _ *store.Event, sessionID string, emit func([]string) error) error {
	list, err := sessionPolls(ctx, s, sessionID)
	if err != nil {
		return err
	}
	polls := make(map[string]store.Poll, len(list))
	for _, p := range list {
		polls[p.ID] = p
	}
	return eachRow(func(cursor string) ([]store.PollVote, error) {
		return store.VotesPage(ctx, s.db, sessionID, cursor, exportPage)
	}, func(v store.PollVote) string { return v.ID }, func(v store.PollVote) error {
		p := polls[v.PollID]
		option := ""
		if v.Option >= 0 && v.Option < len(p.Options) {
			option = p.Options[v.Option]
		}
		return emit([]string{v.SessionID, v.PollID, p.Question, v.PersonID, v.Name, strconv.Itoa(v.Option), option, stamp(&v.CreatedAt)})
	})
}

// eachRow pages through fetch by id cursor until a short page, calling each per row.
func eachRow[T any](fetch func(cursor string) ([]T, error), id func(T) string, each func(T) error) error {
	cursor := ""
	for {
		page, err := fetch(cursor)
		if err != nil {
			return err
		}
		for _, row := range page {
			if err := each(row); err != nil {
				return err
			}
		}
		if len(page) < exportPage {
			return nil
		}
		cursor = id(page[len(page)-1])
	}
}

func stamp(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
