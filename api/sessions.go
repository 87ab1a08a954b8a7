package api

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/uptrace/bun"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/billing"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/workflows/contract"
)

// sessionRequest plans a session; starts_at is RFC 3339, timezone an IANA name.
type sessionRequest struct {
	StartsAt        string `json:"starts_at" openapi:"required"`
	DurationMinutes int    `json:"duration_minutes"`
	Timezone        string `json:"timezone"`

	start time.Time
}

// rescheduleRequest moves a session; fields left out keep their value.
type rescheduleRequest struct {
	StartsAt        string  `json:"starts_at" openapi:"required"`
	DurationMinutes *int    `json:"duration_minutes"`
	Timezone        *string `json:"timezone"`

	start time.Time
}

// sessionWorkflowStatus is the workflow's live view of a session.
type sessionWorkflowStatus struct {
	Status          string           `json:"status"`
	StartsAt        time.Time        `json:"starts_at"`
	DurationMinutes int              `json:"duration_minutes"`
	Timezone        string           `json:"timezone"`
	Sequence        int              `json:"sequence"`
	StartedAt       *time.Time       `json:"started_at,omitempty"`
	EndedAt         *time.Time       `json:"ended_at,omitempty"`
	Reminders       []reminderStatus `json:"reminders"`
	PostLive        postLiveStatus   `json:"post_live"`
}

// postLiveStatus is the post-live chain's progress; failed_step names what a retry re-runs.
type postLiveStatus struct {
	StepsDone  int        `json:"steps_done"`
	FailedStep string     `json:"failed_step,omitempty"`
	Error      string     `json:"error,omitempty"`
	Failures   int        `json:"failures"`
	Recorded   bool       `json:"recorded"`
	EraseAt    *time.Time `json:"erase_at,omitempty"`
	Erased     bool       `json:"erased"`
}

type reminderStatus struct {
	OffsetMinutes int       `json:"offset_minutes"`
	At            time.Time `json:"at"`
	Done          bool      `json:"done"`
}

func (s *eventsAPI) sessionRoutes() {
	s.add(route{Method: http.MethodPost, Path: "/v1/events/:id/sessions", Tag: "sessions", Action: authz.SessionCreate, Idempotent: true,
		Summary: "Add a session to an event; its SessionLifecycle workflow starts", Request: sessionRequest{}, Response: store.Session{},
		Status: http.StatusCreated, Handler: s.createSession})
	s.add(route{Query: []param{eventIDParam}, Method: http.MethodGet, Path: "/v1/sessions", Tag: "sessions", Action: authz.WorkspaceView, Paged: true,
		Summary: "Sessions (?event_id= narrows to one event's)", Response: store.Session{}, Handler: listOf[store.Session](s.base, byParent("event_id"))})
	s.add(route{Method: http.MethodGet, Path: "/v1/sessions/:id", Tag: "sessions", Action: authz.WorkspaceView,
		Summary: "One session", Response: store.Session{}, Handler: getOf[store.Session](s.base)})
	s.add(route{Method: http.MethodGet, Path: "/v1/sessions/:id/status", Tag: "sessions", Action: authz.WorkspaceView,
		Summary: "The session's workflow status: schedule, reminders, live times", Response: sessionWorkflowStatus{}, Handler: s.sessionWorkflowStatus})
	s.add(route{Method: http.MethodPost, Path: "/v1/sessions/:id/reschedule", Tag: "sessions", Action: authz.SessionEdit,
		Summary: "Move a session that is not live or over; everyone gets an updated calendar invitation",
		Request: rescheduleRequest{}, Response: store.Session{}, Handler: s.rescheduleSession})
	s.add(route{Method: http.MethodPost, Path: "/v1/sessions/:id/cancel", Tag: "sessions", Action: authz.SessionEdit,
		Summary:  "Cancel a session that is not live or over; registrants and speakers are told",
		Response: store.Session{}, Handler: s.sessionUpdate(contract.CancelUpdate)})
	s.add(route{Method: http.MethodPost, Path: "/v1/sessions/:id/start", Tag: "sessions", Action: authz.SessionStartStop,
		Summary: "Go live", Response: store.Session{}, Handler: s.sessionUpdate(contract.StartUpdate)})
	s.add(route{Method: http.MethodPost, Path: "/v1/sessions/:id/stop", Tag: "sessions", Action: authz.SessionStartStop,
		Summary: "End a live session", Response: store.Session{}, Handler: s.sessionUpdate(contract.StopUpdate)})
}

func (r *sessionRequest) validate() error {
	start, err := parseStart(r.StartsAt)
	if err != nil {
		return err
	}
	r.start = start
	if err := inRange("duration_minutes", r.DurationMinutes, 1, maxSessionMinutes); err != nil {
		return err
	}
	return checkTimezone(r.Timezone)
}

func (r *rescheduleRequest) validate() error {
	start, err := parseStart(r.StartsAt)
	if err != nil {
		return err
	}
	r.start = start
	if r.DurationMinutes != nil {
		if err := inRange("duration_minutes", *r.DurationMinutes, 1, maxSessionMinutes); err != nil {
			return err
		}
	}
	if r.Timezone != nil {
		return checkTimezone(*r.Timezone)
	}
	return nil
}

func parseStart(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, badInput("starts_at", "starts_at is required (RFC 3339, e.g. 2026-12-01T09:00:00Z)")
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, badInput("starts_at", "starts_at must be an RFC 3339 time, e.g. 2026-12-01T09:00:00Z")
	}
	return t.UTC().Truncate(time.Second), nil
}

func checkTimezone(tz string) error {
	if tz == "" || tz == "Local" {
		return badInput("timezone", "timezone must be an IANA time zone name, e.g. Europe/Paris")
	}
	if _, err := time.LoadLocation(tz); err != nil {
		return badInput("timezone", fmt.Sprintf("unknown time zone %q; use an IANA name such as Europe/Paris", tz))
	}
	return nil
}

// checkSchedule refuses a start in the past or a duration over the plan's
// maximum, comparing minutes (a bounded number) rather than multiplying them.
func checkSchedule(ws *store.Workspace, start time.Time, minutes int) error {
	if !start.After(time.Now()) {
		return unprocessable("starts_at", "starts_at must be in the future")
	}
	if max := int(billing.PlanOf(ws.Plan).MaxSessionDuration / time.Minute); max > 0 && minutes > max {
		return unprocessable("duration_minutes", fmt.Sprintf("the %s plan allows sessions of at most %d minutes", ws.Plan, max))
	}
	return nil
}

// sessionCapacity is the event's capacity bounded by the plan's live-attendee ceiling.
func sessionCapacity(ws *store.Workspace, ev *store.Event) int {
	ceiling := billing.PlanOf(ws.Plan).MaxLiveAttendees
	c := ev.Settings.Capacity
	if c == 0 || (ceiling > 0 && c > ceiling) {
		c = ceiling
	}
	if c == 0 {
		c = maxCapacity
	}
	return c
}

func (s *eventsAPI) createSession(c *gin.Context) {
	var req sessionRequest
	if err := decode(c, &req); err != nil {
		fail(c, err)
		return
	}
	ctx := c.Request.Context()
	ws := caller(c).Workspace
	ev, err := s.eventOf(c)
	if err != nil {
		fail(c, err)
		return
	}
	if err := activeWorkspace(ws); err != nil {
		fail(c, err)
		return
	}
	if err := checkSchedule(ws, req.start, req.DurationMinutes); err != nil {
		fail(c, err)
		return
	}
	t := store.Now()
	ses := &store.Session{
		ID: store.NewID("ses"), WorkspaceID: ws.ID, EventID: ev.ID, StartsAt: req.start, DurationMinutes: req.DurationMinutes,
		Timezone: req.Timezone, Status: store.SessionScheduled, Capacity: sessionCapacity(ws, ev), CreatedAt: t, UpdatedAt: t,
	}
	if err := store.ScheduleSession(ctx, s.db, ses); err != nil {
		fail(c, err)
		return
	}
	auditObject(c, "session", ses.ID)
	if err := s.lifecycle.startSession(ctx, ws, ev, ses); err != nil {
		s.log.ErrorContext(ctx, "session workflow not started", "workspace", ws.ID, "session", ses.ID, "err", err)
		_ = store.UnscheduleSession(context.WithoutCancel(ctx), s.db, ws.ID, ses.ID)
		fail(c, problem(http.StatusServiceUnavailable, "unavailable", "Try again later", "the workflow engine did not accept the session; nothing was created"))
		return
	}
	c.JSON(http.StatusCreated, ses)
}

// byParent narrows a list by the id in query parameter name (same column name).
func byParent(name string) narrowing {
	return func(c *gin.Context) (func(*bun.SelectQuery) *bun.SelectQuery, error) {
		v := c.Query(name)
		if v == "" {
			return nil, nil
		}
		if !store.IsID(v) {
			return nil, badInput(name, name+" is not an id")
		}
		return func(q *bun.SelectQuery) *bun.SelectQuery { return q.Where("?TableAlias.? = ?", bun.Ident(name), v) }, nil
	}
}

// sessionOf loads the caller's session named by :id.
func (s *base) sessionOf(c *gin.Context) (*store.Session, error) {
	return store.Get[store.Session](c.Request.Context(), s.db, caller(c).Workspace.ID, c.Param("id"))
}

// sessionAndEvent loads the caller's session named by :id with its event.
func (s *base) sessionAndEvent(c *gin.Context) (*store.Session, *store.Event, error) {
	ses, err := s.sessionOf(c)
	if err != nil {
		return nil, nil, err
	}
	ev, err := store.Get[store.Event](c.Request.Context(), s.db, ses.WorkspaceID, ses.EventID)
	return ses, ev, err
}

func (s *eventsAPI) sessionWorkflowStatus(c *gin.Context) {
	ses, err := s.sessionOf(c)
	if err != nil {
		fail(c, err)
		return
	}
	v, err := s.lifecycle.querySession(c.Request.Context(), ses.ID)
	if err != nil {
		s.log.ErrorContext(c.Request.Context(), "session status query failed", "session", ses.ID, "err", err)
		fail(c, problem(http.StatusServiceUnavailable, "unavailable", "Try again later", "the session's workflow did not answer"))
		return
	}
	var st contract.SessionState
	if err := v.Get(&st); err != nil {
		fail(c, err)
		return
	}
	out := sessionWorkflowStatus{Status: st.Status, StartsAt: st.StartsAt, DurationMinutes: st.DurationMinutes, Timezone: st.Timezone,
		Sequence: st.Sequence, StartedAt: st.StartedAt, EndedAt: st.EndedAt, Reminders: []reminderStatus{},
		PostLive: postLiveStatus{StepsDone: st.PostLive.Done, FailedStep: st.PostLive.FailedStep, Error: st.PostLive.Error,
			Failures: st.PostLive.Failures, Recorded: st.PostLive.Recorded, EraseAt: st.PostLive.EraseAt, Erased: st.PostLive.Erased}}
	for _, r := range st.Reminders {
		out.Reminders = append(out.Reminders, reminderStatus{OffsetMinutes: r.OffsetMinutes, At: r.At, Done: r.Done})
	}
	c.JSON(http.StatusOK, out)
}

// editable refuses changes to a session that is live or over.
func editable(ses *store.Session) error {
	if ses.Status == store.SessionLive || ses.Closed() {
		return conflict(fmt.Sprintf("the session is %s: it can no longer be changed", ses.Status))
	}
	return nil
}

func (s *eventsAPI) rescheduleSession(c *gin.Context) {
	var req rescheduleRequest
	if err := decode(c, &req); err != nil {
		fail(c, err)
		return
	}
	ses, err := s.sessionOf(c)
	if err != nil {
		fail(c, err)
		return
	}
	auditObject(c, "session", ses.ID)
	if err := editable(ses); err != nil {
		fail(c, err)
		return
	}
	r := contract.RescheduleRequest{StartsAt: req.start, DurationMinutes: ses.DurationMinutes, Timezone: ses.Timezone, By: caller(c).Member.UserID}
	if req.DurationMinutes != nil {
		r.DurationMinutes = *req.DurationMinutes
	}
	if req.Timezone != nil {
		r.Timezone = *req.Timezone
	}
	if err := checkSchedule(caller(c).Workspace, r.StartsAt, r.DurationMinutes); err != nil {
		fail(c, err)
		return
	}
	s.applySessionUpdate(c, ses, contract.RescheduleUpdate, r)
}

// sessionUpdate is the handler of a body-less update: start, stop, cancel.
func (s *eventsAPI) sessionUpdate(name string) gin.HandlerFunc {
	return func(c *gin.Context) {
		ses, err := s.sessionOf(c)
		if err != nil {
			fail(c, err)
			return
		}
		auditObject(c, "session", ses.ID)
		by := caller(c).Member.UserID
		var arg any
		switch name {
		case contract.StartUpdate:
			if err := activeWorkspace(caller(c).Workspace); err != nil {
				fail(c, err)
				return
			}
			arg = contract.StartRequest{By: by}
		case contract.StopUpdate:
			arg = contract.StopRequest{By: by}
		case contract.RetryPostLiveUpdate:
			arg = contract.RetryPostLiveRequest{By: by}
		case contract.CancelUpdate:
			if err := editable(ses); err != nil {
				fail(c, err)
				return
			}
			arg = contract.CancelRequest{By: by}
		}
		s.applySessionUpdate(c, ses, name, arg)
	}
}

// applySessionUpdate runs the update and answers the session as now stored.
func (s *eventsAPI) applySessionUpdate(c *gin.Context, ses *store.Session, name string, arg any) {
	ctx := c.Request.Context()
	if _, err := s.lifecycle.updateSession(ctx, ses.ID, name, arg); err != nil {
		fail(c, err)
		return
	}
	fresh, err := store.Get[store.Session](ctx, s.db, ses.WorkspaceID, ses.ID)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, fresh)
}
