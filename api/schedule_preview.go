package api

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/onairhq/onair/locale"
	"github.com/onairhq/onair/mail"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/workflows/sessionplan"
)

// previewRegistrant is who a preview is addressed to: mail's sample registrant.
const previewRegistrant = "ada@example.com"

// previewScheduledMail renders one e-mail of the session's plan as a sample registrant
// would get it: the session's facts, the workspace's brand and own template (else the
// default), in the session's language or ?lang=. Personal links are placeholders: the
// sample registrant has none.
func (s *eventsAPI) previewScheduledMail(c *gin.Context) {
	format := c.DefaultQuery("format", "html")
	if format != "html" && format != "text" {
		fail(c, badInput("format", "format must be html or text"))
		return
	}
	lang := c.Query("lang")
	if lang != "" && !locale.Valid(lang) {
		fail(c, badInput("lang", "lang must be one of the supported languages"))
		return
	}
	minutes := 0
	if v := c.Query("reminder_minutes"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			fail(c, badInput("reminder_minutes", "reminder_minutes must be a positive number of minutes"))
			return
		}
		minutes = n
	}
	kind := c.Query("kind")
	if kind != "" && !slices.Contains(scheduleKinds, kind) {
		fail(c, badInput("kind", "kind must be one of "+strings.Join(scheduleKinds, ", ")))
		return
	}
	ses, ev, st, err := s.scheduleOf(c)
	if err != nil {
		fail(c, err)
		return
	}
	planned, ok := plannedMail(sessionplan.Mails(st), kind, minutes)
	if !ok {
		fail(c, notFound("such a scheduled e-mail of this session"))
		return
	}
	kind = planned.Kind
	ctx, ws := c.Request.Context(), caller(c).Workspace
	if lang == "" {
		lang = locale.Choose("", ev.Language, ws.Language)
	}
	data, _ := mail.SampleData(kind, lang, mail.SampleLinks{}).(mail.SessionMail)
	data.WorkspaceName, data.EventTitle = ws.Name, ev.Title
	data.StartsAt, data.Timezone, data.DurationMinutes = ses.StartsAt, ses.Timezone, ses.DurationMinutes
	data.Reminder = ""
	if planned.ReminderMinutes > 0 {
		data.Reminder = locale.For(lang).In(planned.ReminderMinutes)
	}
	if err := data.Localize(); err != nil {
		fail(c, err)
		return
	}
	env := mail.Envelope{Kind: kind, To: previewRegistrant, Lang: lang, Data: data,
		Brand: mail.WorkspaceBrand(s.baseURL, ws.Name, ws.Slug, len(ws.Logo) > 0, ws.Settings.BrandColor)}
	if mail.Unsubscribable(kind) {
		env.UnsubscribeURL = s.baseURL + "/unsubscribe/sample"
	}
	own, err := store.TemplateFor(ctx, s.db, ws.ID, lang, mail.StoredKinds(kind))
	switch {
	case errors.Is(err, store.ErrNotFound):
		own = nil // the default
	case err != nil:
		fail(c, err)
		return
	}
	msg, err := mail.ComposeWithFallback(env, own.MailTemplate(), func(err error) {
		s.log.WarnContext(ctx, "e-mail template failed in a preview, showed the default", "workspace", ws.ID, "kind", kind, "err", err)
	})
	if err != nil {
		fail(c, err)
		return
	}
	c.Header("X-Onair-Kind", kind)
	if format == "text" {
		c.Data(http.StatusOK, "text/plain; charset=utf-8", []byte(msg.Subject+"\n\n"+msg.Text))
		return
	}
	// An e-mail's HTML carries inline styles and remote images only: nothing else may run.
	c.Header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src https: http: data:")
	c.Data(http.StatusOK, "text/html; charset=utf-8", []byte(msg.HTML))
}

// plannedMail is the planned e-mail of kind (any kind when empty; for a reminder, the one
// minutes before the start, or the first when minutes is 0).
func plannedMail(plan []sessionplan.Mail, kind string, minutes int) (sessionplan.Mail, bool) {
	for _, m := range plan {
		if (kind == "" || m.Kind == kind) && (minutes == 0 || m.ReminderMinutes == minutes) {
			return m, true
		}
	}
	return sessionplan.Mail{}, false
}
