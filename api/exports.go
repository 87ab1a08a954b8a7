package api

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"

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

// exportKind is one export: its sheet, its columns after the session's, and the rows of one
// session, emitted page by page.
type exportKind struct {
	what   string
	header func(x *exportScope) []string
	rows   func(ctx context.Context, s *Server, x *exportScope, ses *exportSession, emit func([]tabular.Cell) error) error
}

var exportKinds = map[string]exportKind{
	"registrants": {"registrants with status, custom fields and attendance", registrantsHeader, registrantRows},
	"chat":        {"chat", chatHeader, chatRows},
	"questions":   {"questions and answers", questionsHeader, questionRows},
	"polls":       {"poll results per question", pollsHeader, pollRows},
	"votes":       {"poll answers per respondent", votesHeader, voteRows},
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
	x, err := s.newExportScope(c, ev)
	if err != nil {
		fail(c, err)
		return
	}
	s.writeExport(c, req, x, "session-"+ses.ID, func(emit func([]tabular.Cell) error) error {
		return req.kind.rows(c.Request.Context(), s, x, x.session(ses), emit)
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
	x, err := s.newExportScope(c, ev)
	if err != nil {
		fail(c, err)
		return
	}
	ctx := c.Request.Context()
	s.writeExport(c, req, x, "event-"+ev.ID, func(emit func([]tabular.Cell) error) error {
		return eachRow(func(cursor string) ([]store.Session, error) {
			return store.SessionsPage(ctx, s.db, ev.WorkspaceID, ev.ID, cursor, exportPage)
		}, func(ses store.Session) string { return ses.ID }, func(ses store.Session) error {
			return req.kind.rows(ctx, s, x, x.session(&ses), emit)
		})
	})
}

// writeExport sends the header and streams the rows. Once the first byte left, a store
// error can no longer become a problem response: it is logged and the response is aborted
// (the connection drops before the last chunk), so the client sees a failed download rather
// than a short file that looks complete.
func (s *Server) writeExport(c *gin.Context, req exportRequest, x *exportScope, prefix string, rows func(emit func([]tabular.Cell) error) error) {
	contentType, _ := tabular.ContentType(req.format)
	c.Header("Content-Type", contentType)
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%s.%s"`, prefix, req.name, req.format))
	c.Header("Cache-Control", "no-store")
	c.Status(http.StatusOK)
	table := tabular.Table{Sheet: x.l.T("export.sheet." + req.name), Header: append(x.sessionHeader(), req.kind.header(x)...)}
	tw, err := tabular.NewWriter(req.format, c.Writer, table)
	if err == nil {
		err = rows(tw.Row)
	}
	if err == nil {
		err = tw.Close()
	}
	if err != nil {
		ev := x.ev
		s.log.ErrorContext(c.Request.Context(), "export cut short", "workspace", ev.WorkspaceID, "event", ev.ID, "export", prefix+"-"+req.name, "err", err)
		panic(http.ErrAbortHandler)
	}
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
