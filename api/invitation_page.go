package api

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/onairhq/onair/pages"
	"github.com/onairhq/onair/store"
)

// The team invitation's page, where the e-mailed link leads: it shows the workspace and the
// role, asks for the person's name, and accepts through acceptInvitationToken, as
// POST /v1/invitations/accept does; then it shows the new API key once.

// invitationPagePath is the invitation page of token, the link its e-mail carries.
func invitationPagePath(token string) string { return "/invitations/" + url.PathEscape(token) }

// invitationRefusals are the pages of a token that cannot be accepted.
var invitationRefusals = map[string]refusal{
	"not-found":          {http.StatusNotFound, "page.invitation.unknown"},
	"invitation-expired": {http.StatusGone, "page.invitation.expired"},
	"invitation-revoked": {http.StatusGone, "page.invitation.revoked"},
	"invitation-used":    {http.StatusGone, "page.invitation.used"},
	"workspace-deleted":  {http.StatusGone, "page.invitation.deleted"},
	"conflict":           {http.StatusConflict, "page.invitation.member"}, // already a member
	"unprocessable":      {http.StatusConflict, "page.invitation.full"},   // the plan's team limit
}

// invitationView is the data of the invitation page.
type invitationView struct {
	Workspace, Role, Email string
	ExpiresAt              time.Time
	Expires                string // in the workspace's time zone
	Form                   *pages.Form
}

func (s *onboardingAPI) invitationPageRoutes() {
	s.add(route{ID: "invitationPage", Query: []param{langParam}, Method: http.MethodGet, Path: "/invitations/:token", Tag: "hosted pages", Public: true, Limit: limitSignup,
		Summary: "The team invitation's page (the e-mailed link): the workspace and role, and a form asking the person's name",
		Raw:     "text/html", Handler: s.invitationPage})
	s.add(route{ID: "acceptInvitationPage", Query: []param{langParam}, Method: http.MethodPost, Path: "/invitations/:token", Tag: "hosted pages", Public: true, Limit: limitSignup,
		Summary: "Accept a team invitation from its page (form: form_token, name); the page shows the new API key once",
		Raw:     "application/x-www-form-urlencoded", Handler: s.acceptInvitationPage})
}

// invitationFor loads token's invitation and workspace for its page; a token that cannot be
// accepted any more is answered with the page saying why, and ok is false.
func (s *onboardingAPI) invitationFor(c *gin.Context, token string) (inv *store.Invitation, ws *store.Workspace, ok bool) {
	ctx := c.Request.Context()
	if len(token) > maxTokenLength {
		s.refuse(c, s.page(c, nil, nil), notFound("invitation"), invitationRefusals, "page.invitation.failed")
		return nil, nil, false
	}
	inv, err := invitationByToken(ctx, s.db, token)
	if err == nil {
		ws, err = store.GetWorkspace(ctx, s.db, inv.WorkspaceID)
	}
	if err == nil && ws.DeletingAt != nil {
		err = workspaceDeleted()
	}
	if err != nil {
		s.refuse(c, s.page(c, nil, nil), err, invitationRefusals, "page.invitation.failed")
		return nil, nil, false
	}
	if err := invitationUsable(inv); err != nil {
		s.refuse(c, s.page(c, ws, nil), err, invitationRefusals, "page.invitation.failed", "Workspace", ws.Name)
		return nil, nil, false
	}
	return inv, ws, true
}

func (s *onboardingAPI) invitationPage(c *gin.Context) {
	token := c.Param("token")
	inv, ws, ok := s.invitationFor(c, token)
	if !ok {
		return
	}
	s.renderInvitation(c, http.StatusOK, inv, ws, pages.NewForm(s.site.forms, invitationPagePath(token)))
}

func (s *onboardingAPI) acceptInvitationPage(c *gin.Context) {
	token := c.Param("token")
	action := invitationPagePath(token)
	inv, ws, ok := s.invitationFor(c, token)
	if !ok {
		return
	}
	p := s.page(c, ws, nil)
	if err := s.site.forms.Check(c.Request, action); err != nil {
		s.formRefused(c, p, err)
		return
	}
	form := pages.NewForm(s.site.forms, action)
	form.Values["name"] = c.PostForm("name")
	name, err := required("name", form.Values["name"], 120)
	if err != nil {
		if strings.TrimSpace(form.Values["name"]) == "" {
			form.Fail("name", p.L.T("page.invitation.name_required"))
		} else {
			form.Fail("name", p.L.T("page.invitation.name_invalid"))
		}
		s.renderInvitation(c, http.StatusUnprocessableEntity, inv, ws, form)
		return
	}
	out, err := s.acceptInvitationToken(c.Request.Context(), token, name)
	if err != nil {
		s.refuse(c, p, err, invitationRefusals, "page.invitation.failed", "Workspace", ws.Name)
		return
	}
	s.showKey(c, s.page(c, out.Workspace, nil), out, "page.invitation.key.welcome_title", "page.invitation.key.joined")
}

func (s *onboardingAPI) renderInvitation(c *gin.Context, status int, inv *store.Invitation, ws *store.Workspace, form *pages.Form) {
	p := s.page(c, ws, nil)
	p.Title = p.L.T("page.invitation.title", "Workspace", ws.Name)
	p.NoIndex = true // a personal link
	p.Data = invitationView{Workspace: ws.Name, Role: roleName(p, inv.Role), Email: inv.Email,
		ExpiresAt: inv.ExpiresAt, Expires: p.L.DateTimeIn(inv.ExpiresAt, ws.Timezone), Form: keepLanguage(c, form)}
	s.render(c, status, "invitation", p)
}
