package api

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/uptrace/bun"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/store"
)

// registrationRequest registers one person; fields are answers to the event's
// custom fields (workspace custom attributes, by key). The utm_* parameters and the
// referrer say where they came from; consent that they accepted the workspace's consent text.
type registrationRequest struct {
	Email        string            `json:"email" openapi:"required"`
	Name         string            `json:"name"`
	Fields       map[string]string `json:"fields"`
	JoinWaitlist bool              `json:"join_waitlist"`
	Consent      bool              `json:"consent"`
	UTMSource    string            `json:"utm_source"`
	UTMMedium    string            `json:"utm_medium"`
	UTMCampaign  string            `json:"utm_campaign"`
	UTMTerm      string            `json:"utm_term"`
	UTMContent   string            `json:"utm_content"`
	Referrer     string            `json:"referrer"`
}

var registrantStatuses = []string{
	store.RegistrantPending, store.RegistrantApproved, store.RegistrantWaitlisted,
	store.RegistrantDenied, store.RegistrantCancelled, store.RegistrantBlocked,
}

func (s *registrationsAPI) registrantRoutes() {
	s.add(route{Query: []param{sessionIDParam, {Name: "status", Description: "only registrants in this status", Enum: enumValues("RegistrantStatus")}, searchParam}, Method: http.MethodGet, Path: "/v1/registrants", Tag: "registrants", Action: authz.WorkspaceView, Paged: true,
		Summary: "Registrants (?session_id=, ?status=, ?q= searches e-mail and name)", Response: registrant{},
		Handler: s.listRegistrants(registrantFilter)})
	s.add(route{ID: "registerSomeone", Method: http.MethodPost, Path: "/v1/sessions/:id/registrants", Tag: "registrants", Action: authz.RegistrantRegister, Idempotent: true,
		Summary: "Register someone (approved at once, subject to capacity); an e-mail already registered returns that registration",
		Request: registrationRequest{}, Response: registrant{}, Status: http.StatusCreated, Also: map[int]any{http.StatusOK: registrant{}},
		Handler: s.registerSomeone})
	s.add(route{Method: http.MethodGet, Path: "/v1/registrants/:id", Tag: "registrants", Action: authz.WorkspaceView,
		Summary: "One registrant, with the engagement score of what they did in the room", Response: registrant{}, Handler: s.getRegistrant})
	s.add(route{Method: http.MethodDelete, Path: "/v1/registrants/:id", Tag: "registrants", Action: authz.SessionEdit,
		Summary: "Delete a registrant; a freed seat goes to the waitlist", Status: http.StatusNoContent, Handler: s.deleteRegistrant})
	s.add(route{Method: http.MethodPost, Path: "/v1/registrants/:id/approve", Tag: "registrants", Action: authz.RegistrantRegister,
		Summary:  "Approve a pending (or waitlisted) registrant; a full session puts them on the waitlist when it has one",
		Response: registrant{}, Handler: s.decideRegistrant(store.RegistrantApproved)})
	s.add(route{Method: http.MethodPost, Path: "/v1/registrants/:id/deny", Tag: "registrants", Action: authz.RegistrantRegister,
		Summary: "Deny a pending or waitlisted registrant", Response: registrant{}, Handler: s.decideRegistrant(store.RegistrantDenied)})
	s.add(route{Method: http.MethodPost, Path: "/v1/registrants/:id/cancel", Tag: "registrants", Action: authz.RegistrantRegister,
		Summary:  "Cancel a registration as the organizer: the seat goes to the waitlist and the registrant is told by e-mail",
		Response: registrant{}, Handler: s.cancelRegistrant})
}

// cancelRegistrant cancels someone's registration on the organizer's behalf; the e-mail
// saying so is queued with the change (store.ChangeRegistrantStatus).
func (s *registrationsAPI) cancelRegistrant(c *gin.Context) {
	ctx := c.Request.Context()
	ws := caller(c).Workspace.ID
	reg, err := store.Get[store.Registrant](ctx, s.db, ws, c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	auditObject(c, "registrant", reg.ID)
	switch reg.Status {
	case store.RegistrantDenied, store.RegistrantBlocked:
		fail(c, conflict("the registrant is "+reg.Status))
		return
	}
	reg, err = store.ChangeRegistrantStatus(ctx, s.db, store.StatusChange{Workspace: ws, Registrant: reg.ID,
		Status: store.RegistrantCancelled, ByOrganizer: true})
	if err != nil {
		fail(c, err)
		return
	}
	s.relay.kick(ctx) // the e-mail, and a promotion from the waitlist
	s.respondRegistrant(c, http.StatusOK, reg)
}

// validate applies the registrant rules that need no event (store.Registration.Clean).
func (r *registrationRequest) validate() error {
	reg := r.registration()
	if err := reg.Clean(); err != nil {
		return fieldProblem(err)
	}
	r.Email, r.Name, r.Fields = reg.Email, reg.Name, reg.Fields
	r.setSource(reg.Source)
	return nil
}

// source is where the request says the person came from.
func (r *registrationRequest) source() store.Source {
	return store.Source{UTMSource: r.UTMSource, UTMMedium: r.UTMMedium, UTMCampaign: r.UTMCampaign,
		UTMTerm: r.UTMTerm, UTMContent: r.UTMContent, Referrer: r.Referrer}
}

func (r *registrationRequest) setSource(s store.Source) {
	r.UTMSource, r.UTMMedium, r.UTMCampaign, r.UTMTerm, r.UTMContent, r.Referrer =
		s.UTMSource, s.UTMMedium, s.UTMCampaign, s.UTMTerm, s.UTMContent, s.Referrer
}

// registration is the request as store.Register takes it, still without its session.
func (r *registrationRequest) registration() store.Registration {
	return store.Registration{Email: r.Email, Name: r.Name, Fields: r.Fields, JoinWaitlist: r.JoinWaitlist,
		Source: r.source(), Consented: r.Consent}
}

// register is the one way a person is registered, by the JSON routes and the registration
// page alike: the answers checked against the event's fields, then store.Register; a new
// registration wakes the relay for its e-mail. Refusals are store.InvalidField,
// store.ErrSessionClosed and store.ErrSessionFull.
func (s *registrationsAPI) register(ctx context.Context, ev *store.Event, ses *store.Session, req registrationRequest, byOrganizer bool) (*store.Registrant, bool, error) {
	r := req.registration()
	r.Event, r.Session, r.ByOrganizer = ev, ses, byOrganizer
	attrs, err := store.EventAttributes(ctx, s.db, ev)
	if err != nil {
		return nil, false, err
	}
	if err := r.CheckAnswers(attrs); err != nil {
		return nil, false, err
	}
	reg, created, err := store.Register(ctx, s.db, r)
	if err != nil {
		return nil, false, err
	}
	if created {
		s.relay.kick(ctx)
	}
	return reg, created, nil
}

// registerPerson runs a registration and answers 201 (new) or 200 (the existing one).
func (s *registrationsAPI) registerPerson(c *gin.Context, ev *store.Event, ses *store.Session, req registrationRequest, byOrganizer bool, view func(*store.Registrant) (any, error)) {
	reg, created, err := s.register(c.Request.Context(), ev, ses, req, byOrganizer)
	switch {
	case errors.Is(err, store.ErrSessionClosed):
		fail(c, conflict("the session is cancelled or over: it takes no registrations"))
		return
	case errors.Is(err, store.ErrSessionFull):
		fail(c, sessionFull(ev))
		return
	case err != nil:
		fail(c, err)
		return
	}
	v, err := view(reg)
	if err != nil {
		fail(c, err)
		return
	}
	if !created {
		c.JSON(http.StatusOK, v)
		return
	}
	c.JSON(http.StatusCreated, v)
}

// sessionFull is the 409 of a full session, offering the waitlist when the event has one.
func sessionFull(ev *store.Event) error {
	if ev.Settings.Waitlist {
		return problem(http.StatusConflict, "session-full", "Session full",
			`the session is full; register again with "join_waitlist": true to join its waitlist`)
	}
	return problem(http.StatusConflict, "session-full", "Session full", "the session is full")
}

func (s *registrationsAPI) registerSomeone(c *gin.Context) {
	var req registrationRequest
	if err := decode(c, &req); err != nil {
		fail(c, err)
		return
	}
	ses, ev, err := s.sessionAndEvent(c)
	if err != nil {
		fail(c, err)
		return
	}
	auditObject(c, "session", ses.ID)
	s.registerPerson(c, ev, ses, req, true, func(r *store.Registrant) (any, error) {
		views, err := s.registrantViews(c, *r)
		if err != nil {
			return nil, err
		}
		return views[0], nil
	})
}

// registrantFilter narrows by ?session_id=, ?status= and ?q=.
func registrantFilter(c *gin.Context) (func(*bun.SelectQuery) *bun.SelectQuery, error) {
	status := c.Query("status")
	if status != "" && !slices.Contains(registrantStatuses, status) {
		return nil, badInput("status", "status must be one of "+strings.Join(registrantStatuses, ", "))
	}
	session, err := byParent("session_id")(c)
	if err != nil {
		return nil, err
	}
	search, err := peopleSearch(c)
	if err != nil {
		return nil, err
	}
	return func(q *bun.SelectQuery) *bun.SelectQuery {
		if session != nil {
			q = session(q)
		}
		if status != "" {
			q = q.Where("?TableAlias.status = ?", status)
		}
		if search != nil {
			q = search(q)
		}
		return q
	}, nil
}

func (s *registrationsAPI) deleteRegistrant(c *gin.Context) {
	auditObject(c, "registrant", c.Param("id"))
	if err := store.DeleteRegistrant(c.Request.Context(), s.db, caller(c).Workspace.ID, c.Param("id")); err != nil {
		fail(c, err)
		return
	}
	s.relay.kick(c.Request.Context()) // a promotion may be queued
	c.Status(http.StatusNoContent)
}

func (s *registrationsAPI) decideRegistrant(status string) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		ws := caller(c).Workspace.ID
		reg, err := store.Get[store.Registrant](ctx, s.db, ws, c.Param("id"))
		if err != nil {
			fail(c, err)
			return
		}
		auditObject(c, "registrant", reg.ID)
		if reg.Status != store.RegistrantPending && reg.Status != store.RegistrantWaitlisted && reg.Status != status {
			fail(c, conflict("the registrant is "+reg.Status))
			return
		}
		ev, err := store.Get[store.Event](ctx, s.db, ws, reg.EventID)
		if err != nil {
			fail(c, err)
			return
		}
		reg, err = store.SetRegistrantStatus(ctx, s.db, ws, reg.ID, status, ev.Settings.Waitlist)
		if errors.Is(err, store.ErrSessionFull) {
			fail(c, sessionFull(ev))
			return
		}
		if err != nil {
			fail(c, err)
			return
		}
		s.relay.kick(ctx)
		s.respondRegistrant(c, http.StatusOK, reg)
	}
}
