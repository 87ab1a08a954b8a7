package api

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/onairhq/onair/mail"
	"github.com/onairhq/onair/store"
)

// The page after registering (/e/<slug>/registered/<ticket>): what happens next, and the
// session to add to a calendar. Its URL is the post's redirect, so a reload sends nothing
// again; the ticket is the registrant's id signed under a key of its own, so nobody reads a
// registration whose page they were not sent to. It shows no personal link: those travel by
// e-mail only, so registering someone else's address reveals nothing.

func (s *registrationsAPI) registeredPageRoutes() {
	s.add(route{ID: "registeredPage", Query: []param{embedParam}, Method: http.MethodGet, Path: "/e/:slug/registered/:ticket", Tag: "hosted pages", Public: true, Limit: limitEventPage,
		Summary: "The page after registering: what happens next and add-to-calendar links (?embed=1 inside the embed)",
		Raw:     "text/html", Handler: s.registeredPage})
	s.add(route{ID: "sessionCalendar", Method: http.MethodGet, Path: "/e/:slug/sessions/:session/calendar.ics", Tag: "hosted pages", Public: true, Limit: limitEventPage,
		Summary: "A session of a published event as an iCalendar file to add to one's calendar", Raw: "text/calendar", Handler: s.sessionCalendar})
}

// ticketMACLen is the length of a ticket's MAC: 22 base64url characters, 132 bits.
const ticketMACLen = 22

// ticket signs a registrant id for the page after registering.
func (s *registrationsAPI) ticket(id string) string {
	m := hmac.New(sha256.New, s.linkKey.Subkey("pages-registered"))
	m.Write([]byte(id))
	return id + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))[:ticketMACLen]
}

// ticketID is the registrant id a ticket signs; ok false for a forged one.
func (s *registrationsAPI) ticketID(ticket string) (string, bool) {
	id, _, _ := strings.Cut(ticket, ".")
	return id, store.IsID(id) && len(s.linkKey) > 0 && hmac.Equal([]byte(ticket), []byte(s.ticket(id)))
}

func registeredPath(slug, ticket string) string {
	return "/e/" + url.PathEscape(slug) + "/registered/" + url.PathEscape(ticket)
}

type registeredView struct {
	Status, Message  string
	Title, When, ISO string
	Duration         string
	// Add-to-calendar links, empty when there is nothing to add.
	ICS, Google, Outlook string
	EventURL             string
}

func (s *registrationsAPI) registeredPage(c *gin.Context) {
	ctx := c.Request.Context()
	id, ok := s.ticketID(c.Param("ticket"))
	if !ok {
		s.pageNotFound(c)
		return
	}
	reg, err := store.RegistrantByID(ctx, s.db, id)
	if err != nil {
		s.eventPageFailed(c, err)
		return
	}
	d, err := s.loadEventPage(ctx, c.Param("slug"))
	if err == nil && d.ev.ID != reg.EventID {
		err = store.ErrNotFound
	}
	if err != nil {
		s.eventPageFailed(c, err)
		return
	}
	ses, err := store.SessionByID(ctx, s.db, reg.SessionID)
	if err != nil {
		s.eventPageFailed(c, err)
		return
	}
	p := s.page(c, d.ws, d.ev)
	p.NoIndex = true
	if c.Query("embed") == "1" {
		p.Embed, p.FrameAncestors = true, d.ws.Settings.EmbedOrigins
	}
	eventPath := "/e/" + url.PathEscape(d.ev.Slug)
	v := registeredView{Status: reg.Status, Title: d.ev.Title, When: p.L.DateTimeIn(ses.StartsAt, ses.Timezone),
		ISO: ses.StartsAt.UTC().Format(time.RFC3339), Duration: p.L.Duration(ses.DurationMinutes), EventURL: withLang(c, eventPath, nil)}
	titleID, messageID := "page.registered.title", "page.registered.confirmed"
	switch reg.Status {
	case store.RegistrantPending:
		titleID, messageID = "page.registered.title_pending", "page.registered.pending"
	case store.RegistrantWaitlisted:
		titleID, messageID = "page.registered.title_waitlisted", "page.registered.waitlisted"
	case store.RegistrantDenied, store.RegistrantBlocked:
		titleID, messageID = "page.registered.title_cancelled", "page.registered.denied"
	case store.RegistrantCancelled:
		titleID, messageID = "page.registered.title_cancelled", "page.registered.cancelled"
	}
	p.Title, v.Message = p.L.T(titleID), p.L.T(messageID, "Email", reg.Email)
	expected := reg.Status == store.RegistrantApproved || reg.Status == store.RegistrantPending || reg.Status == store.RegistrantWaitlisted
	if expected && !ses.Closed() {
		v.ICS = eventPath + "/sessions/" + ses.ID + "/calendar.ics"
		v.Google, v.Outlook = calendarLinks(d.ev.Title, s.site.baseURL+eventPath, ses)
	}
	p.Data = v
	c.Header("Cache-Control", "no-store")
	s.render(c, http.StatusOK, "registered", p)
}

// calendarLinks are the Google Calendar and Outlook (web) links that open a new entry for
// the session, pointing back at the event's page.
func calendarLinks(title, eventURL string, ses *store.Session) (google, outlook string) {
	start, end := ses.StartsAt.UTC(), ses.StartsAt.Add(time.Duration(ses.DurationMinutes)*time.Minute).UTC()
	const compact, iso = "20060102T150405Z", "2006-01-02T15:04:05Z"
	g := url.Values{"action": {"TEMPLATE"}, "text": {title}, "dates": {start.Format(compact) + "/" + end.Format(compact)},
		"details": {eventURL}, "ctz": {ses.Timezone}}
	o := url.Values{"path": {"/calendar/action/compose"}, "rru": {"addevent"}, "subject": {title},
		"startdt": {start.Format(iso)}, "enddt": {end.Format(iso)}, "body": {eventURL}}
	return "https://calendar.google.com/calendar/render?" + g.Encode(),
		"https://outlook.live.com/calendar/0/deeplink/compose?" + o.Encode()
}

// sessionCalendar serves a session of a published event as an .ics file. It holds what the
// event page shows (title, time, the page's link), never a personal link; its UID is the one
// of the e-mailed invitations, so a calendar keeps one entry for both.
func (s *registrationsAPI) sessionCalendar(c *gin.Context) {
	ctx := c.Request.Context()
	ev, err := store.PublishedEventBySlug(ctx, s.db, c.Param("slug"))
	var ses *store.Session
	if err == nil && store.IsID(c.Param("session")) {
		ses, err = store.SessionByID(ctx, s.db, c.Param("session"))
	}
	if err != nil || ses == nil || ses.EventID != ev.ID || s.liveWorkspace(ctx, ev.WorkspaceID) == nil {
		s.pageNotFound(c)
		return
	}
	page := s.site.baseURL + "/e/" + url.PathEscape(ev.Slug)
	ics, err := mail.CalendarInvite{UID: ses.ID + "@onair", Sequence: ses.Sequence, Cancel: ses.Status == store.SessionCancelled,
		Publish: true, Title: ev.Title, URL: page, Location: page, Description: ev.Title + "\n" + page, Start: ses.StartsAt,
		Duration: time.Duration(ses.DurationMinutes) * time.Minute, Timezone: ses.Timezone}.Render()
	if err != nil {
		s.eventPageFailed(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="`+ev.Slug+`.ics"`)
	c.Header("X-Content-Type-Options", "nosniff")
	c.Data(http.StatusOK, "text/calendar; charset=utf-8", ics)
}
