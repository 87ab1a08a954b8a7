package api

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/onairhq/onair/locale"
	"github.com/onairhq/onair/pages"
	"github.com/onairhq/onair/store"
)

// What the registration page (templates/event.html) draws: built here from the event, its
// sessions and fields, and a form (empty, or as it was posted with its messages).

// The states a visitor can meet on an event's page; each has its badge and its message in
// the catalogue (page.event.state.<state>, page.event.state_message.<state>).
const (
	stateOpen        = "open"
	stateApproval    = "approval"
	stateWaitlist    = "waitlist"
	stateFull        = "full"
	statePast        = "past"
	stateCancelled   = "cancelled"
	stateUnscheduled = "unscheduled"
)

type eventView struct {
	Title, Description string
	State              string
	Sessions           []sessionView
	// Form is nil when the event takes no registration (full, past, cancelled).
	Form    *pages.Form
	Fields  []fieldView
	Consent string // the workspace's consent text, "" when it asks none
	// Choose shows the sessions as choices (several are open); else SessionID is posted.
	Choose    bool
	SessionID string
	Waitlist  bool          // the button joins the waitlist
	Source    []hiddenField // where the visitor came from, carried through the post
	PageURL   string        // the full page, linked from the embed
}

type sessionView struct {
	ID, When, ISO, Duration string
	Live, Full, Offered     bool // Offered: open for registration (or its waitlist)
	Checked                 bool
}

// fieldView is one question of the form: e-mail, name, then the event's custom fields.
type fieldView struct {
	pages.Field
	Label, Type string
	Options     []string
	Required    bool
	// Input is the <input type>, Auto its autocomplete; Optional the words marking a field
	// that may stay empty.
	Input, Auto, Optional string
}

// inputTypes are the <input type> of the custom field types drawn as inputs.
var inputTypes = map[string]string{"number": "number", "date": "date"}

type hiddenField struct{ Name, Value string }

// eventPageData loads what the page of a published event shows.
type eventPageData struct {
	ev       *store.Event
	ws       *store.Workspace
	sessions []store.Session
	attrs    []store.CustomAttribute
	last     *store.Session // the last session of any status, when none is ahead
}

// loadEventPage finds the published event at :slug of a live workspace; store.ErrNotFound
// when there is none to show.
func (s *registrationsAPI) loadEventPage(ctx context.Context, slug string) (*eventPageData, error) {
	ev, err := store.PublishedEventBySlug(ctx, s.db, slug)
	if err != nil {
		return nil, err
	}
	ws := s.liveWorkspace(ctx, ev.WorkspaceID)
	if ws == nil {
		return nil, store.ErrNotFound
	}
	d := &eventPageData{ev: ev, ws: ws}
	if d.sessions, err = store.PublicSessions(ctx, s.db, ev.ID, 100); err != nil {
		return nil, err
	}
	if len(d.sessions) == 0 {
		if d.last, err = store.LastSession(ctx, s.db, ev.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
	}
	if d.attrs, err = store.EventAttributes(ctx, s.db, ev); err != nil {
		return nil, err
	}
	return d, nil
}

// offered reports whether a session takes a registration now (a seat, or its waitlist).
func (d *eventPageData) offered(ses *store.Session) bool {
	return ses.SeatsTaken < ses.Capacity || d.ev.Settings.Waitlist
}

// offeredSession is the upcoming session with this id that takes registrations, or nil.
func (d *eventPageData) offeredSession(id string) *store.Session {
	for i := range d.sessions {
		if d.sessions[i].ID == id && d.offered(&d.sessions[i]) {
			return &d.sessions[i]
		}
	}
	return nil
}

// state is what a visitor can do on the page.
func (d *eventPageData) state() string {
	if len(d.sessions) == 0 {
		switch {
		case d.last == nil:
			return stateUnscheduled
		case d.last.Status == store.SessionCancelled:
			return stateCancelled
		}
		return statePast
	}
	if !slices.ContainsFunc(d.sessions, func(s store.Session) bool { return s.SeatsTaken < s.Capacity }) {
		if d.ev.Settings.Waitlist {
			return stateWaitlist
		}
		return stateFull
	}
	if d.ev.Settings.Approval {
		return stateApproval
	}
	return stateOpen
}

// view builds the page; form is the posted form (values and messages), nil for a new one.
func (d *eventPageData) view(l *locale.Localizer, form *pages.Form) eventView {
	v := eventView{Title: d.ev.Title, Description: d.ev.Description, State: d.state(), Consent: d.ws.Settings.ConsentText}
	var offered []string
	for _, ses := range d.sessions {
		sv := sessionView{ID: ses.ID, When: l.DateTimeIn(ses.StartsAt, ses.Timezone), ISO: ses.StartsAt.UTC().Format(time.RFC3339),
			Duration: l.Duration(ses.DurationMinutes), Live: ses.Status == store.SessionLive,
			Full: ses.SeatsTaken >= ses.Capacity, Offered: d.offered(&ses)}
		if sv.Offered {
			offered = append(offered, ses.ID)
		}
		v.Sessions = append(v.Sessions, sv)
	}
	if len(offered) == 0 {
		return v
	}
	v.Form = form
	v.Waitlist = v.State == stateWaitlist
	v.Choose = len(offered) > 1
	chosen := form.Values["session"]
	if !slices.Contains(offered, chosen) {
		chosen = offered[0]
	}
	v.SessionID = chosen
	for i := range v.Sessions {
		v.Sessions[i].Checked = v.Sessions[i].ID == chosen
	}
	optional := l.T("page.event.optional")
	v.Fields = []fieldView{
		{Field: form.Field("email"), Label: l.T("page.event.email"), Type: "email", Input: "email", Auto: "email", Required: true},
		{Field: form.Field("name"), Label: l.T("page.event.name"), Type: "text", Input: "text", Auto: "name", Optional: optional},
	}
	for _, a := range d.attrs {
		input := inputTypes[a.Type]
		if input == "" {
			input = "text"
		}
		v.Fields = append(v.Fields, fieldView{Field: form.Field("fields." + a.Key), Label: a.Label, Type: a.Type,
			Options: a.Options, Required: a.Required, Input: input, Auto: "off", Optional: optional})
	}
	for _, name := range store.SourceFields {
		if val := form.Values[name]; val != "" {
			v.Source = append(v.Source, hiddenField{Name: name, Value: val})
		}
	}
	return v
}

// sourceOf is where the visitor of a page came from: the utm_* parameters of its URL and the
// page of another site that linked to it. Values out of bounds are dropped, not refused: the
// person registering did not write them.
func (b *base) sourceOf(c *gin.Context) store.Source {
	var src store.Source
	q := c.Request.URL.Query()
	for _, name := range store.SourceFields[:5] {
		src.Set(name, q.Get(name))
	}
	if ref := c.Request.Referer(); ref != "" && b.fromAnotherSite(c, ref) {
		src.Referrer = ref
	}
	return cleanSource(src)
}

// cleanSource keeps the parts of src within their bounds.
func cleanSource(src store.Source) store.Source {
	var out store.Source
	for i, v := range src.Values() {
		one := store.Source{}
		one.Set(store.SourceFields[i], v)
		if one.Clean() == nil {
			out.Set(store.SourceFields[i], one.Values()[i])
		}
	}
	return out
}

// fromAnotherSite reports whether ref is a page of a site other than ours.
func (b *base) fromAnotherSite(c *gin.Context, ref string) bool {
	u, err := url.Parse(ref)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	if u.Host == c.Request.Host {
		return false
	}
	own, err := url.Parse(b.site.baseURL)
	return err != nil || own.Host != u.Host
}
