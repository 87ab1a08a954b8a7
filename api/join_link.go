package api

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/onairhq/onair/media/roompage"
	"github.com/onairhq/onair/store"
)

// The personal link of confirmation e-mails (PUBLIC_URL/join/<secret>) is opened in a browser:
// it is exchanged for a join token like POST /v1/public/join and redirects to the media
// service's room page, token and session in the URL fragment. The fragment also carries the
// link itself, which the page revisits for a fresh token when its token expired: a plain
// navigation, so the API needs no CORS for the media origin.

func (s *joinAPI) joinLinkRoutes() {
	s.add(route{Method: http.MethodGet, Path: "/join/:secret", Tag: "live room", Public: true, Limit: limitPersonalLink,
		Summary: "Open a personal join link in a browser: a redirect (303) to the live room page, or a readable HTML page saying why not",
		Status:  http.StatusSeeOther, Raw: "text/html", Handler: s.openJoinLink})
}

func (s *joinAPI) openJoinLink(c *gin.Context) {
	secret := c.Param("secret")
	if len(secret) > 200 {
		s.joinLinkRefused(c, notFound("join link"))
		return
	}
	tok, err := s.joinByLink(c.Request.Context(), secret)
	linkLookedUp(c, err)
	if err != nil {
		s.joinLinkRefused(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Header("Referrer-Policy", "no-referrer")
	c.Redirect(http.StatusSeeOther, roompage.Link(roompage.LinkParams{
		MediaURL: tok.MediaURL, SessionID: tok.SessionID, Token: tok.Token, Rejoin: s.baseURL + "/join/" + url.PathEscape(secret),
	}))
}

var joinLinkPage = template.Must(template.New("join").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} · onair</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#1b2030}h1{font-size:1.4rem}</style>
</head><body><main><h1>{{.Title}}</h1><p>{{.Message}}</p></main></body></html>
`))

// joinLinkRefused answers a browser with a small HTML page in the status the API would give.
func (s *joinAPI) joinLinkRefused(c *gin.Context, err error) {
	status, title, message := http.StatusInternalServerError, "Something went wrong",
		"The live room could not be opened. Please try again in a moment."
	var p *Problem
	switch {
	case errors.As(err, &p) && p.Type == problemBase+"not-approved":
		status, title, message = p.Status, "Your registration is not approved",
			"Only approved registrations may join the live room, and the organizers have not approved yours (yet)."
	case errors.As(err, &p) && p.Type == problemBase+"registrant-blocked":
		status, title, message = p.Status, "You cannot join this session",
			"The organizers have removed you from this session's live room."
	case errors.As(err, &p) && p.Status == http.StatusNotFound, errors.Is(err, store.ErrNotFound):
		status, title, message = http.StatusNotFound, "This join link is not valid",
			"Check that you opened the whole link from your confirmation e-mail."
	case errors.As(err, &p) && p.Status == http.StatusConflict:
		status, title, message = http.StatusGone, "This session is over",
			"The session this link is for has ended or was canceled."
	case errors.As(err, &p) && p.Status == http.StatusServiceUnavailable:
		status, title, message = p.Status, "The live room is unavailable", "Please try again in a few minutes."
	default:
		_ = c.Error(err)
	}
	c.Header("Cache-Control", "no-store")
	c.Header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	c.Status(status)
	c.Header("Content-Type", "text/html; charset=utf-8")
	if err := joinLinkPage.Execute(c.Writer, struct{ Title, Message string }{title, message}); err != nil {
		_ = c.Error(err)
	}
	c.Abort()
}
