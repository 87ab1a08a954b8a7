package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/onairhq/onair/store"
)

// publicEvent is what the registration page shows of a published event.
type publicEvent struct {
	Title         string          `json:"title"`
	Description   string          `json:"description"`
	Slug          string          `json:"slug"`
	Approval      bool            `json:"approval"`
	Waitlist      bool            `json:"waitlist"`
	Sessions      []publicSession `json:"sessions"`
	Fields        []publicField   `json:"fields"`
	WorkspaceName string          `json:"workspace_name"`
}

// publicField is a custom field as the registration form asks it: nothing of
// who in the team defined it, or when.
type publicField struct {
	Key      string   `json:"key"`
	Label    string   `json:"label"`
	Type     string   `json:"type"`
	Options  []string `json:"options"`
	Required bool     `json:"required"`
}

type publicSession struct {
	ID              string    `json:"id"`
	StartsAt        time.Time `json:"starts_at"`
	DurationMinutes int       `json:"duration_minutes"`
	Timezone        string    `json:"timezone"`
	Status          string    `json:"status"`
	Full            bool      `json:"full"`
}

// publicRegistration is what a self-registrant learns back; the join link
// only ever travels by e-mail, so registering someone else's address reveals nothing.
type publicRegistration struct {
	ID        string `json:"id"`
	SessionID string `json:"session_id"`
	Status    string `json:"status"`
}

type cancelRegistration struct {
	Token string `json:"token" openapi:"required"`
}

func (s *registrationsAPI) publicRegistrationRoutes() {
	s.add(route{Method: http.MethodGet, Path: "/v1/public/events/:slug", Tag: "public registration", Public: true, Limit: limitEventPage,
		Summary:  "A published event's registration page: its upcoming sessions and the fields it asks",
		Response: publicEvent{}, Handler: s.withCORS(s.workspaceOfEventSlug, s.publicEventPage)})
	s.add(route{Method: http.MethodOptions, Path: "/v1/public/events/:slug", Tag: "public registration", Public: true, Limit: limitEventPage,
		Summary: "CORS preflight for the origins the event's workspace lets embed its registration", Status: http.StatusNoContent,
		Handler: s.preflight(http.MethodGet, s.workspaceOfEventSlug)})
	s.add(route{ID: "registerPublicly", Method: http.MethodPost, Path: "/v1/public/sessions/:session/registrations", Tag: "public registration", Public: true, Limit: limitRegistration,
		Summary: "Register to a session of a published event, no account needed; the same e-mail again returns the first registration",
		Request: registrationRequest{}, Response: publicRegistration{}, Status: http.StatusCreated, Also: map[int]any{http.StatusOK: publicRegistration{}},
		Handler: s.withCORS(s.workspaceOfSession, s.selfRegister)})
	s.add(route{Method: http.MethodOptions, Path: "/v1/public/sessions/:session/registrations", Tag: "public registration", Public: true, Limit: limitEventPage,
		Summary: "CORS preflight for the origins the session's workspace lets embed its registration", Status: http.StatusNoContent,
		Handler: s.preflight(http.MethodPost, s.workspaceOfSession)})
	s.add(route{ID: "cancelOwnRegistration", Method: http.MethodPost, Path: "/v1/public/registrations/cancel", Tag: "public registration", Public: true, Limit: limitPersonalLink,
		Summary: "Cancel one's own registration with the code of the e-mailed cancel link; the seat goes to the waitlist",
		Request: cancelRegistration{}, Response: publicRegistration{}, Handler: s.cancelOwnRegistration})
}

func (r *cancelRegistration) validate() error {
	r.Token = strings.TrimSpace(r.Token)
	if r.Token == "" || len(r.Token) > 200 {
		return badInput("token", "token is the code of your cancel link")
	}
	return nil
}

func (s *registrationsAPI) publicEventPage(c *gin.Context) {
	ctx := c.Request.Context()
	ev, err := store.PublishedEventBySlug(ctx, s.db, c.Param("slug"))
	if err != nil {
		fail(c, notFound("event"))
		return
	}
	ws, err := store.GetWorkspace(ctx, s.db, ev.WorkspaceID)
	if err != nil || ws.DeletingAt != nil {
		fail(c, notFound("event"))
		return
	}
	out := publicEvent{Title: ev.Title, Description: ev.Description, Slug: ev.Slug, Approval: ev.Settings.Approval,
		Waitlist: ev.Settings.Waitlist, WorkspaceName: ws.Name, Sessions: []publicSession{}, Fields: []publicField{}}
	sessions, err := store.PublicSessions(ctx, s.db, ev.ID, 100)
	if err != nil {
		fail(c, err)
		return
	}
	for _, ses := range sessions {
		out.Sessions = append(out.Sessions, publicSession{ID: ses.ID, StartsAt: ses.StartsAt, DurationMinutes: ses.DurationMinutes,
			Timezone: ses.Timezone, Status: ses.Status, Full: ses.SeatsTaken >= ses.Capacity})
	}
	attrs, err := store.AttributesByKey(ctx, s.db, ws.ID, ev.Settings.CustomFields)
	if err != nil {
		fail(c, err)
		return
	}
	for _, a := range attrs {
		out.Fields = append(out.Fields, publicField{Key: a.Key, Label: a.Label, Type: a.Type, Options: a.Options, Required: a.Required})
	}
	c.JSON(http.StatusOK, out)
}

func (s *registrationsAPI) selfRegister(c *gin.Context) {
	var req registrationRequest
	if err := decode(c, &req); err != nil {
		fail(c, err)
		return
	}
	ctx := c.Request.Context()
	id := c.Param("session")
	if !store.IsID(id) {
		fail(c, notFound("session"))
		return
	}
	if reg, ok := s.registerFromCopy(ctx, id, req); ok {
		c.JSON(http.StatusCreated, publicRegistration{ID: reg.ID, SessionID: reg.SessionID, Status: reg.Status})
		return
	}
	ses, ev, err := store.SessionAndEvent(ctx, s.db, id)
	if err != nil || ev.PublishedAt == nil {
		fail(c, notFound("session"))
		return
	}
	s.recent.put(id, ses, ev, time.Now())
	s.registerPerson(c, ev, ses, req, false, func(r *store.Registrant) (any, error) {
		return publicRegistration{ID: r.ID, SessionID: r.SessionID, Status: r.Status}, nil
	})
}

func (s *registrationsAPI) cancelOwnRegistration(c *gin.Context) {
	var req cancelRegistration
	if err := decode(c, &req); err != nil {
		fail(c, err)
		return
	}
	reg, err := s.registrantByCancelLink(c, req.Token)
	if err != nil {
		fail(c, err)
		return
	}
	if reg, err = s.cancel(c.Request.Context(), reg); err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, publicRegistration{ID: reg.ID, SessionID: reg.SessionID, Status: reg.Status})
}

// registrantByCancelLink finds the registrant of a cancel link's secret, telling the rate
// limiter whether the link matched; a link that matches nobody is a 404.
func (s *registrationsAPI) registrantByCancelLink(c *gin.Context, secret string) (*store.Registrant, error) {
	reg, err := store.RegistrantByLink(c.Request.Context(), s.db, s.linkKey, store.LinkCancel, secret)
	linkLookedUp(c, err)
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound("registration")
	}
	return reg, err
}

// errTooLateToCancel refuses cancelling once the session is live or over.
var errTooLateToCancel = errors.New("the session is live or over")

// cancel is the one way a person cancels their own registration, from the JSON route and the
// cancel page alike: refused (a 409 wrapping errTooLateToCancel) once the session is live or
// over; else the seat is freed, the waitlist promoted and the relay woken for the e-mails.
func (s *registrationsAPI) cancel(ctx context.Context, reg *store.Registrant) (*store.Registrant, error) {
	ses, err := store.SessionByID(ctx, s.db, reg.SessionID)
	if err != nil {
		return nil, err
	}
	if ses.Closed() || ses.Status == store.SessionLive {
		return nil, fmt.Errorf("%w: %w", conflict("the session is "+ses.Status+"; the registration can no longer be cancelled"), errTooLateToCancel)
	}
	reg, err = store.SetRegistrantStatus(ctx, s.db, reg.WorkspaceID, reg.ID, store.RegistrantCancelled, false)
	if err != nil {
		return nil, err
	}
	s.relay.kick(ctx) // a promotion may be queued
	return reg, nil
}
