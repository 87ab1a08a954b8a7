package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/onairhq/onair/pages"
	"github.com/onairhq/onair/store"
)

// The unsubscribe link of reminders, session invitations and follow-ups
// (PUBLIC_URL/unsubscribe/<secret>, store.LinkKey.UnsubscribeSecret) is both the
// List-Unsubscribe header's target and the footer's link. A mail provider's one-click
// unsubscribe (RFC 8058) POSTs "List-Unsubscribe=One-Click" to it: the secret in the URL is
// the authority, so that post needs no form token. A person opening the link gets a page
// saying what stops, with a button that posts the same; a GET never unsubscribes, so a
// link-preview robot changes nothing.

func (s *registrationsAPI) unsubscribeRoutes() {
	s.add(route{ID: "unsubscribePage", Method: http.MethodGet, Path: "/unsubscribe/:secret", Tag: "hosted pages", Public: true, Limit: limitPersonalLink,
		Summary: "The unsubscribe page of an e-mail's link: what stops, and a button to confirm", Raw: "text/html",
		Handler: s.unsubscribePage})
	s.add(route{ID: "unsubscribe", Method: http.MethodPost, Path: "/unsubscribe/:secret", Tag: "hosted pages", Public: true, Limit: limitPersonalLink,
		Summary: "Unsubscribe (RFC 8058 one-click, body List-Unsubscribe=One-Click, or the page's form): no more reminders, invitations or follow-ups from the workspace to the address",
		Raw:     mediaForm, Handler: s.unsubscribe})
}

// unsubscribeTarget is the workspace and address a link's secret names, or nil when a
// page saying the link does not work was answered.
func (s *registrationsAPI) unsubscribeTarget(c *gin.Context) (*store.Workspace, string) {
	wsID, email, ok := s.linkKey.ParseUnsubscribe(c.Param("secret"))
	err := store.ErrNotFound
	var ws *store.Workspace
	if ok {
		ws, err = store.GetWorkspace(c.Request.Context(), s.db, wsID)
	}
	linkLookedUp(c, err)
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.notice(c, http.StatusNotFound, s.page(c, nil, nil), "mail.unsubscribe.invalid_title", "mail.unsubscribe.invalid")
		return nil, ""
	case err != nil:
		fail(c, err)
		return nil, ""
	}
	return ws, email
}

// unsubscribeView is the unsubscribe page's data.
type unsubscribeView struct {
	What, Still, Confirm, Done string
	Form                       *pages.Form
}

func (s *registrationsAPI) unsubscribePage(c *gin.Context) {
	ws, email := s.unsubscribeTarget(c)
	if ws == nil {
		return
	}
	p := s.page(c, ws, nil)
	p.Title, p.NoIndex = p.L.T("mail.unsubscribe.title"), true
	action := c.Request.URL.Path
	p.Data = unsubscribeView{
		What:    p.L.T("mail.unsubscribe.what", "Workspace", ws.Name, "Email", email),
		Still:   p.L.T("mail.unsubscribe.still"),
		Confirm: p.L.T("mail.unsubscribe.confirm"),
		Form:    pages.NewForm(s.site.forms, action),
	}
	s.render(c, http.StatusOK, "unsubscribe", p)
}

func (s *registrationsAPI) unsubscribe(c *gin.Context) {
	ws, email := s.unsubscribeTarget(c)
	if ws == nil {
		return
	}
	p := s.page(c, ws, nil)
	// A mail provider's one-click post carries List-Unsubscribe=One-Click and nothing else;
	// our page's form carries it too, with its token. Anything else is not an unsubscribe.
	if c.PostForm("List-Unsubscribe") != "One-Click" {
		if err := s.site.forms.Check(c.Request, c.Request.URL.Path); err != nil {
			s.formRefused(c, p, err)
			return
		}
	}
	if err := store.AddUnsubscribe(c.Request.Context(), s.db, ws.ID, email, store.UnsubscribeAll); err != nil {
		s.log.ErrorContext(c.Request.Context(), "unsubscribe failed", "workspace", ws.ID, "err", err)
		fail(c, err)
		return
	}
	s.log.InfoContext(c.Request.Context(), "address unsubscribed", "workspace", ws.ID)
	p.Title, p.NoIndex = p.L.T("mail.unsubscribe.done_title"), true
	p.Data = unsubscribeView{
		Done:  p.L.T("mail.unsubscribe.done", "Workspace", ws.Name, "Email", email),
		Still: p.L.T("mail.unsubscribe.still"),
	}
	s.render(c, http.StatusOK, "unsubscribe", p)
}
