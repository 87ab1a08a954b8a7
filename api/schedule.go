package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/locale"
	"github.com/onairhq/onair/mail"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/workflows/contract"
	"github.com/onairhq/onair/workflows/sessionplan"
)

// sessionSchedule is every timed e-mail of a session, from the plan its workflow follows
// (workflows/sessionplan). The confirmation, reschedule and cancellation e-mails go at
// once when they happen, so they are not listed.
type sessionSchedule struct {
	SessionID string `json:"session_id"`
	Status    string `json:"status"`
	Timezone  string `json:"timezone"`
	// Language is the one its e-mails are written in: the event's, else the workspace's.
	Language string `json:"language"`
	// Note says why the list is empty (a cancelled session sends nothing more).
	Note  string         `json:"note,omitempty"`
	Items []scheduleItem `json:"items"`
}

// scheduleItem is one timed e-mail: what, when, to how many, with which template.
type scheduleItem struct {
	Kind string `json:"kind"`
	// DeliveryKind is the delivery record's kind ("reminder:60"); both follow-ups share "followup".
	DeliveryKind    string    `json:"delivery_kind"`
	ReminderMinutes int       `json:"reminder_minutes,omitempty"`
	At              time.Time `json:"at"`
	// LocalAt is At in the session's time zone, with its offset.
	LocalAt string `json:"local_at"`
	// AfterLive e-mails go once the session has ended and its recording is processed: At
	// is their earliest time (the planned end, or the actual one).
	AfterLive bool `json:"after_live"`
	// State is planned, sent (its deliveries are recorded) or skipped (its time passed
	// before it was planned, or it had nobody to reach).
	State string `json:"state"`
	// Recipients is, while planned, how many registrants it would reach now (Unsubscribed
	// of them stopped this kind and get nothing); once sent, how many it reached.
	Recipients   int `json:"recipients"`
	Unsubscribed int `json:"unsubscribed"`
	// Sent and Failed count its recorded deliveries: e-mails accepted by the mail server,
	// and deliveries done without one (refused, unsubscribed).
	Sent     int              `json:"sent"`
	Failed   int              `json:"failed"`
	Template scheduleTemplate `json:"template"`
	Language string           `json:"language"`
	// Preview is the path of its rendered preview for a sample registrant.
	Preview string `json:"preview"`
}

// scheduleTemplate names the workspace's own template of the kind, if it has one.
type scheduleTemplate struct {
	Custom bool   `json:"custom"`
	ID     string `json:"id,omitempty"`
	Name   string `json:"name,omitempty"`
}

// Schedule item states.
const (
	schedulePlanned = "planned"
	scheduleSent    = "sent"
	scheduleSkipped = "skipped"
)

var scheduleStates = []string{schedulePlanned, scheduleSent, scheduleSkipped}

// scheduleKinds are the mail kinds a session's plan holds.
var scheduleKinds = []string{mail.KindReminder, mail.KindFollowUpAttended, mail.KindFollowUpMissed}

var previewFormatParam = param{Name: "format", Description: "html (the default) or text: the subject, a blank line, the plain-text part"}

func (s *eventsAPI) scheduleRoutes() {
	s.add(route{Method: http.MethodGet, Path: "/v1/sessions/:id/schedule", Tag: "sessions", Action: authz.WorkspaceView,
		Summary:  "Every e-mail the session will send (reminders, follow-ups): when, to how many, with which template; past ones with their delivery counts",
		Response: sessionSchedule{}, Handler: s.sessionSchedule})
	s.add(route{Method: http.MethodGet, Path: "/v1/sessions/:id/schedule/preview", ID: "previewScheduledMail", Tag: "sessions",
		Action: authz.WorkspaceView, Raw: "text/html", RawAlt: []string{"text/plain"},
		Query: []param{{Name: "kind", Description: "which e-mail: reminder, followup_attended or followup_missed (the first planned by default)"},
			{Name: "reminder_minutes", Description: "which reminder (its offset; the first planned by default)"},
			previewFormatParam, {Name: "lang", Description: "the language to render, en or fr (the session's by default)"}},
		Summary: "One scheduled e-mail rendered for a sample registrant with the session's data, brand and template",
		Handler: s.previewScheduledMail})
}

// scheduleOf loads the caller's session, its event and its workflow's state.
func (s *eventsAPI) scheduleOf(c *gin.Context) (*store.Session, *store.Event, contract.SessionState, error) {
	var st contract.SessionState
	ses, ev, err := s.sessionAndEvent(c)
	if err != nil || ses.Status == store.SessionCancelled {
		return ses, ev, contract.SessionState{Status: store.SessionCancelled}, err
	}
	v, err := s.lifecycle.querySession(c.Request.Context(), ses.ID)
	if err == nil {
		err = v.Get(&st)
	}
	if err != nil {
		s.log.ErrorContext(c.Request.Context(), "session schedule query failed", "session", ses.ID, "err", err)
		return nil, nil, st, problem(http.StatusServiceUnavailable, "unavailable", "Try again later", "the session's workflow did not answer")
	}
	return ses, ev, st, nil
}

func (s *eventsAPI) sessionSchedule(c *gin.Context) {
	ses, ev, st, err := s.scheduleOf(c)
	if err != nil {
		fail(c, err)
		return
	}
	ctx, ws := c.Request.Context(), caller(c).Workspace
	lang := locale.Choose("", ev.Language, ws.Language)
	out := sessionSchedule{SessionID: ses.ID, Status: ses.Status, Timezone: ses.Timezone, Language: lang, Items: []scheduleItem{}}
	if ses.Status == store.SessionCancelled {
		out.Note = "the session is cancelled: its registrants were told, and nothing more will be sent"
		c.JSON(http.StatusOK, out)
		return
	}
	zone, err := time.LoadLocation(st.Timezone)
	if err != nil {
		fail(c, err)
		return
	}
	for _, m := range sessionplan.Mails(st) {
		item, err := s.scheduleItem(ctx, ws, ses, m, lang, zone)
		if err != nil {
			fail(c, err)
			return
		}
		out.Items = append(out.Items, item)
	}
	c.JSON(http.StatusOK, out)
}

// scheduleItem describes planned e-mail m of ses: its counts from the same audience query
// the fan-out pages through, or once done, from its delivery records.
func (s *eventsAPI) scheduleItem(ctx context.Context, ws *store.Workspace, ses *store.Session, m sessionplan.Mail, lang string, zone *time.Location) (scheduleItem, error) {
	item := scheduleItem{Kind: m.Kind, DeliveryKind: m.DeliveryKind, ReminderMinutes: m.ReminderMinutes, At: m.At.UTC(),
		LocalAt: m.At.In(zone).Format(time.RFC3339), AfterLive: m.AfterLive, State: schedulePlanned, Language: lang,
		Preview: "/v1/sessions/" + ses.ID + "/schedule/preview?kind=" + m.Kind}
	if m.Kind == mail.KindReminder {
		item.Preview += "&reminder_minutes=" + strconv.Itoa(m.ReminderMinutes)
	}
	tally, err := store.TallyDeliveries(ctx, s.db, ses.ID, m.DeliveryKind, m.Audience.FollowUp)
	if err != nil {
		return item, err
	}
	item.Sent, item.Failed = tally.Sent, tally.Failed
	switch {
	case m.Done && tally.Claimed > 0:
		item.State, item.Recipients = scheduleSent, tally.Sent
	case m.Done:
		item.State = scheduleSkipped
	default:
		n, err := store.CountAudience(ctx, s.db, ws.ID, ses.ID, m.Audience, m.Kind, mail.Unsubscribable(m.Kind))
		if err != nil {
			return item, err
		}
		item.Recipients, item.Unsubscribed = n.Registrants-n.Unsubscribed, n.Unsubscribed
	}
	own, err := store.TemplateFor(ctx, s.db, ws.ID, lang, mail.StoredKinds(m.Kind))
	switch {
	case err == nil:
		item.Template = scheduleTemplate{Custom: true, ID: own.ID, Name: own.Name}
	case !errors.Is(err, store.ErrNotFound):
		return item, err
	}
	return item, nil
}
