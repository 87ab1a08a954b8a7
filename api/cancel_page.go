package api

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/onairhq/onair/pages"
	"github.com/onairhq/onair/store"
)

// The cancel link e-mailed to registrants (/cancel/<secret>): opening it shows the
// registration and asks; only the form's POST cancels, so a link-preview robot or a mail
// scanner that opens the link changes nothing. Cancelling is registrationsAPI.cancel, as the
// JSON route does it.

func (s *registrationsAPI) cancelPageRoutes() {
	s.add(route{ID: "cancelPage", Method: http.MethodGet, Path: "/cancel/:secret", Tag: "hosted pages", Public: true, Limit: limitPersonalLink,
		Summary: "A cancel link: shows the registration and asks to confirm; changes nothing", Raw: "text/html", Handler: s.cancelPage})
	s.add(route{ID: "confirmCancelPage", Method: http.MethodPost, Path: "/cancel/:secret", Tag: "hosted pages", Public: true, Limit: limitPersonalLink,
		Summary: "Confirm a cancel link's cancellation: the seat goes to the waitlist", Raw: "application/x-www-form-urlencoded",
		Handler: s.confirmCancelPage})
}

type cancelView struct {
	Event, When, Name string
	ISO               string
	Form              *pages.Form
	EventURL          string
}

// cancelTarget is a cancel link's registration with what its page shows.
type cancelTarget struct {
	reg *store.Registrant
	ev  *store.Event
	ses *store.Session
	p   pages.Page
}

// loadCancel finds the registration of the link; false when it answered already (the 404
// page for a link that matches nobody).
func (s *registrationsAPI) loadCancel(c *gin.Context) (*cancelTarget, bool) {
	ctx := c.Request.Context()
	reg, err := s.registrantByCancelLink(c, c.Param("secret"))
	var t cancelTarget
	if err == nil {
		t.reg = reg
		t.ev, err = store.EventByID(ctx, s.db, reg.EventID)
	}
	if err == nil {
		t.ses, err = store.SessionByID(ctx, s.db, reg.SessionID)
	}
	var ws *store.Workspace
	if err == nil {
		if ws = s.liveWorkspace(ctx, reg.WorkspaceID); ws == nil {
			err = store.ErrNotFound
		}
	}
	var p *Problem
	if errors.Is(err, store.ErrNotFound) || (errors.As(err, &p) && p.Status == http.StatusNotFound) {
		s.pageNotFound(c)
		return nil, false
	}
	if err != nil {
		s.eventPageFailed(c, err)
		return nil, false
	}
	t.p = s.page(c, ws, t.ev)
	t.p.NoIndex = true
	return &t, true
}

// settled answers, and reports true, when the registration has nothing left to cancel.
func (s *registrationsAPI) settled(c *gin.Context, t *cancelTarget) bool {
	switch {
	case t.reg.Status == store.RegistrantCancelled:
		s.notice(c, http.StatusOK, t.p, "page.cancel.already_title", "page.cancel.already_message")
	case t.reg.Status != store.RegistrantApproved && t.reg.Status != store.RegistrantPending && t.reg.Status != store.RegistrantWaitlisted:
		s.notice(c, http.StatusConflict, t.p, "page.cancel.title", "page.cancel.not_active_message")
	case t.ses.Closed() || t.ses.Status == store.SessionLive:
		s.notice(c, http.StatusConflict, t.p, "page.cancel.too_late_title", "page.cancel.too_late_message")
	default:
		return false
	}
	return true
}

func cancelAction(secret string) string { return "/cancel/" + url.PathEscape(secret) }

func (s *registrationsAPI) cancelPage(c *gin.Context) {
	t, ok := s.loadCancel(c)
	if !ok || s.settled(c, t) {
		return
	}
	action := cancelAction(c.Param("secret"))
	form := pages.NewForm(s.site.forms, action)
	form.Action = withLang(c, action, nil)
	t.p.Title = t.p.L.T("page.cancel.title")
	t.p.Data = cancelView{Event: t.ev.Title, When: t.p.L.DateTimeIn(t.ses.StartsAt, t.ses.Timezone),
		ISO: t.ses.StartsAt.UTC().Format(time.RFC3339), Name: t.reg.Name, Form: form,
		EventURL: withLang(c, "/e/"+url.PathEscape(t.ev.Slug), nil)}
	s.render(c, http.StatusOK, "cancel", t.p)
}

func (s *registrationsAPI) confirmCancelPage(c *gin.Context) {
	t, ok := s.loadCancel(c)
	if !ok {
		return
	}
	if err := s.site.forms.Check(c.Request, cancelAction(c.Param("secret"))); err != nil {
		s.formRefused(c, t.p, err)
		return
	}
	if s.settled(c, t) {
		return
	}
	_, err := s.cancel(c.Request.Context(), t.reg)
	if errors.Is(err, errTooLateToCancel) {
		s.notice(c, http.StatusConflict, t.p, "page.cancel.too_late_title", "page.cancel.too_late_message")
		return
	}
	if err != nil {
		s.eventPageFailed(c, err)
		return
	}
	s.notice(c, http.StatusOK, t.p, "page.cancel.done_title", "page.cancel.done_message", "Title", t.ev.Title)
}
