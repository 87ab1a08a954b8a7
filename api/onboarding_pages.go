package api

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/onairhq/onair/locale"
	"github.com/onairhq/onair/pages"
	"github.com/onairhq/onair/store"
)

// What the invitation and sign-up verification pages share: the page that shows a new API
// key once, and the mapping of the JSON routes' refusals to pages that explain them.

// maxTokenLength bounds an e-mailed token before any lookup (the JSON routes' limit).
const maxTokenLength = 128

// keyShown is the data of the api_key page: the new key, shown once, and where to use it.
type keyShown struct {
	TitleID, IntroID string // catalogue ids of the heading and the sentence above the key
	Workspace, Role  string // Role already in the reader's language
	Secret           string
	APIBase, Docs    string
	Try              string // a first request to paste in a terminal
}

// showKey renders the page that shows out's API key once: never cached, never indexed.
func (s *onboardingAPI) showKey(c *gin.Context, p pages.Page, out accessGranted, titleID, introID string) {
	k := keyShown{
		TitleID: titleID, IntroID: introID, Workspace: out.Workspace.Name, Role: roleName(p, out.Member.Role),
		Secret: out.APIKey.Secret, APIBase: s.site.baseURL + "/v1", Docs: s.site.baseURL + "/openapi.json",
	}
	k.Try = `curl -H "Authorization: Bearer ` + k.Secret + `" ` + k.APIBase + "/me"
	p.Title = p.L.T(titleID, "Workspace", k.Workspace)
	p.NoIndex = true // also no-store: the key must not stay in a cache
	p.Data = k
	s.render(c, http.StatusOK, "api_key", p)
}

// keepLanguage makes form post back in the language the visitor chose with ?lang= (its token
// signs the path alone, so the query does not change what it accepts).
func keepLanguage(c *gin.Context, form *pages.Form) *pages.Form {
	if lang := c.Query("lang"); locale.Valid(lang) {
		form.Action += "?lang=" + lang
	}
	return form
}

// roleName is a membership role as the reader says it.
func roleName(p pages.Page, role string) string {
	switch role {
	case store.RoleOwner, store.RoleAdmin, store.RoleMember:
		return p.L.T("page.invitation.role." + role)
	}
	return role
}

// refusal is how a page answers one kind of refusal: its status and the catalogue prefix of
// its title and message (prefix + "_title", prefix + "_message").
type refusal struct {
	status int
	id     string
}

// problemKind is the kind of a problem ("invitation-expired", "not-found"), "" for an error
// that is not one.
func problemKind(err error) string {
	var p *Problem
	if errors.As(err, &p) {
		return strings.TrimPrefix(p.Type, problemBase)
	}
	return ""
}

// refuse renders the page explaining err from refusals; an error it does not list is ours:
// logged, and answered with failedID's page.
func (s *onboardingAPI) refuse(c *gin.Context, p pages.Page, err error, refusals map[string]refusal, failedID string, args ...any) {
	r, ok := refusals[problemKind(err)]
	if !ok {
		s.log.ErrorContext(c.Request.Context(), "hosted page failed", "path", c.FullPath(), "err", err)
		r = refusal{http.StatusInternalServerError, failedID}
	}
	s.notice(c, r.status, p, r.id+"_title", r.id+"_message", args...)
}
