package api

import (
	"time"

	"github.com/gin-gonic/gin"

	"github.com/onairhq/onair/locale"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/tabular"
)

// exportScope is what every row of one export reads beside its own data: the event, the
// language its headers and words are written in (the event's, else the workspace's), and
// the custom fields its registrants answered, in the order the event asks them.
type exportScope struct {
	ev     *store.Event
	l      *locale.Localizer
	fields []store.CustomAttribute
}

func (s *Server) newExportScope(c *gin.Context, ev *store.Event) (*exportScope, error) {
	attrs, err := store.EventAttributes(c.Request.Context(), s.db, ev)
	if err != nil {
		return nil, err
	}
	byKey := make(map[string]store.CustomAttribute, len(attrs))
	for _, a := range attrs {
		byKey[a.Key] = a
	}
	x := &exportScope{ev: ev, l: locale.For(locale.Choose("", ev.Language, caller(c).Workspace.Language))}
	for _, key := range ev.Settings.CustomFields {
		a, ok := byKey[key]
		if !ok || a.Label == "" {
			a = store.CustomAttribute{Key: key, Label: key} // an attribute deleted since: its key is all there is
		}
		x.fields = append(x.fields, a)
	}
	return x, nil
}

// label is the header of a fixed column, from the catalogue.
func (x *exportScope) label(column string) string { return x.l.T("export.column." + column) }

func (x *exportScope) labels(columns ...string) []string {
	out := make([]string, len(columns))
	for i, c := range columns {
		out[i] = x.label(c)
	}
	return out
}

func (x *exportScope) yesNo(b bool) tabular.Cell {
	if b {
		return tabular.Text(x.l.T("export.value.yes"))
	}
	return tabular.Text(x.l.T("export.value.no"))
}

// exportSession is one session as its rows show it: times on the wall clock of its zone.
type exportSession struct {
	*store.Session
	loc  *time.Location
	name string
	// scores are the engagement scores of the registrants page being written.
	scores map[string]store.Engagement
}

func (x *exportScope) session(ses *store.Session) *exportSession {
	loc, err := time.LoadLocation(ses.Timezone)
	if err != nil {
		loc = time.UTC // a zone the store accepted but this host lacks: UTC, and the offset says so
	}
	return &exportSession{Session: ses, loc: loc, name: x.l.DateTimeIn(ses.StartsAt, ses.Timezone)}
}

// at is a moment in the session's zone.
func (s *exportSession) at(t *time.Time) tabular.Cell {
	if t == nil {
		return tabular.Time(nil)
	}
	local := t.In(s.loc)
	return tabular.Time(&local)
}

// sessionHeader heads the columns every export starts with, so an event's export names
// each session by its title, start and zone, not only by its id.
func (x *exportScope) sessionHeader() []string {
	return x.labels("event", "session", "session_start", "time_zone", "session_ref")
}

func (x *exportScope) sessionCells(s *exportSession, rest ...tabular.Cell) []tabular.Cell {
	row := make([]tabular.Cell, 0, 5+len(rest))
	row = append(row, tabular.Text(x.ev.Title), tabular.Text(s.name), s.at(&s.StartsAt), tabular.Text(s.Timezone), tabular.Text(s.ID))
	return append(row, rest...)
}
