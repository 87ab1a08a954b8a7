package api

import (
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/onairhq/onair/pages"
	"github.com/onairhq/onair/store"
)

// The sign-up verification page, where the e-mailed link leads. Opening it changes nothing
// (mail scanners and link previews open links): it asks for a click, and only that POST
// completes the sign-up, through completeSignup as POST /v1/signup/verify does; then it
// shows the new workspace's owner API key once.

// signupVerifyPagePath is the verification page of token, the link its e-mail carries.
func signupVerifyPagePath(token string) string { return "/signup/verify/" + url.PathEscape(token) }

// signupRefusals are the pages of a token that cannot complete a sign-up.
var signupRefusals = map[string]refusal{
	"not-found":      {http.StatusNotFound, "page.signup.unknown"},
	"signup-expired": {http.StatusGone, "page.signup.expired"},
	"signup-used":    {http.StatusGone, "page.signup.used"},
}

// signupView is the data of the verification page.
type signupView struct {
	Workspace, Email string
	ExpiresAt        time.Time
	Expires          string
	Form             *pages.Form
}

func (s *onboardingAPI) signupVerifyPageRoutes() {
	s.add(route{ID: "signupVerifyPage", Query: []param{langParam}, Method: http.MethodGet, Path: "/signup/verify/:token", Tag: "hosted pages", Public: true, Limit: limitSignup,
		Summary: "The sign-up verification page (the e-mailed link): what confirming creates, and a button; opening it changes nothing",
		Raw:     "text/html", Handler: s.signupVerifyPage})
	s.add(route{ID: "confirmSignupPage", Query: []param{langParam}, Method: http.MethodPost, Path: "/signup/verify/:token", Tag: "hosted pages", Public: true, Limit: limitSignup,
		Summary: "Complete a sign-up held for verification from its page (form: form_token); the page shows the owner API key once",
		Raw:     "application/x-www-form-urlencoded", Handler: s.confirmSignupPage})
}

// pendingSignupFor loads token's held sign-up for its page; one that cannot be completed is
// answered with the page saying why, and ok is false.
func (s *onboardingAPI) pendingSignupFor(c *gin.Context, p pages.Page, token string) (pending *store.PendingSignup, ok bool) {
	err := error(notFound("sign-up"))
	if len(token) <= maxTokenLength {
		if pending, err = pendingSignupByToken(c.Request.Context(), s.db, token); err == nil {
			err = signupUsable(pending)
		}
	}
	if err != nil {
		s.refuse(c, p, err, signupRefusals, "page.signup.failed")
		return nil, false
	}
	return pending, true
}

func (s *onboardingAPI) signupVerifyPage(c *gin.Context) {
	token := c.Param("token")
	// No workspace exists yet to say which language: the browser's.
	p := s.page(c, nil, nil)
	pending, ok := s.pendingSignupFor(c, p, token)
	if !ok {
		return
	}
	p.Title = p.L.T("page.signup.title")
	p.NoIndex = true // a personal link
	p.Data = signupView{Workspace: pending.WorkspaceName, Email: pending.Email, ExpiresAt: pending.ExpiresAt,
		Expires: p.L.DateTimeIn(pending.ExpiresAt, "UTC"), Form: keepLanguage(c, pages.NewForm(s.site.forms, signupVerifyPagePath(token)))}
	s.render(c, http.StatusOK, "signup_verify", p)
}

func (s *onboardingAPI) confirmSignupPage(c *gin.Context) {
	token := c.Param("token")
	p := s.page(c, nil, nil)
	if err := s.site.forms.Check(c.Request, signupVerifyPagePath(token)); err != nil {
		s.formRefused(c, p, err)
		return
	}
	if _, ok := s.pendingSignupFor(c, p, token); !ok {
		return
	}
	out, err := s.completeSignup(c.Request.Context(), token)
	if err != nil {
		s.refuse(c, p, err, signupRefusals, "page.signup.failed")
		return
	}
	s.showKey(c, p, out, "page.signup.done_title", "page.signup.done") // still the browser's language
}
