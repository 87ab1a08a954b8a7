package api

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/onairhq/onair/store"
)

// A workspace embeds its registration form on its own site in two ways: an iframe of
// /e/<slug>/embed, or its own form calling the public registration JSON from the browser.
// Both are allowed only to the origins it lists (WorkspaceSettings.EmbedOrigins): the iframe
// through the page's CSP frame-ancestors, the JSON through CORS.

// Bounds of the embedding and consent settings.
const (
	maxEmbedOrigins = 20
	maxConsentText  = 2000
)

// embedOrigins checks and normalizes a list of origins allowed to embed: each
// "scheme://host[:port]", https (http only for localhost, to try an embed on one's machine),
// no path, query or credentials; duplicates are dropped.
func embedOrigins(field string, in []string) ([]string, error) {
	if len(in) > maxEmbedOrigins {
		return nil, badInput(field, fmt.Sprintf("%s lists at most %d origins", field, maxEmbedOrigins))
	}
	out := []string{}
	for _, raw := range in {
		o, ok := parseOrigin(strings.TrimSpace(raw))
		if !ok {
			return nil, badInput(field, fmt.Sprintf("%s: %q is not an origin such as https://www.example.com (https, or http for localhost)", field, raw))
		}
		if !slices.Contains(out, o) {
			out = append(out, o)
		}
	}
	return out, nil
}

// parseOrigin normalizes one origin, reporting whether it is one we accept.
func parseOrigin(raw string) (string, bool) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || len(raw) > 200 {
		return "", false
	}
	scheme, host := strings.ToLower(u.Scheme), strings.ToLower(u.Hostname())
	// The origin reaches a CSP header: only host names and ports, nothing a policy would read.
	if strings.ContainsAny(host, " ;,'\"*") || host == "" {
		return "", false
	}
	local := host == "localhost" || host == "127.0.0.1" || host == "::1"
	if scheme != "https" && !(scheme == "http" && local) {
		return "", false
	}
	if p := u.Port(); p != "" {
		host = net.JoinHostPort(host, p)
	} else if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return scheme + "://" + host, true
}

// allowedEmbedOrigin is the request's Origin when ws lists it, else "".
func allowedEmbedOrigin(c *gin.Context, ws *store.Workspace) string {
	o := c.GetHeader("Origin")
	if o == "" || ws == nil || !slices.Contains(ws.Settings.EmbedOrigins, o) {
		return ""
	}
	return o
}

// workspaceOf finds whose a public route's object is, for CORS; nil when it cannot tell.
type workspaceOf func(ctx context.Context, c *gin.Context) *store.Workspace

// withCORS answers the browsers of the origins the workspace lists: the CORS headers are set
// before the handler runs, so its refusals (400, 409) reach the embedding page's script too.
// Other origins get no CORS header, and their browsers keep the answer from their scripts.
func (s *registrationsAPI) withCORS(of workspaceOf, next gin.HandlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Header("Vary", "Origin")
		if c.GetHeader("Origin") != "" {
			if o := allowedEmbedOrigin(c, of(c.Request.Context(), c)); o != "" {
				c.Header("Access-Control-Allow-Origin", o)
			}
		}
		next(c)
	}
}

// preflight answers a CORS preflight: 204, with the method and header the route takes when
// the origin is allowed, and nothing more otherwise.
func (s *registrationsAPI) preflight(method string, of workspaceOf) gin.HandlerFunc {
	return s.withCORS(of, func(c *gin.Context) {
		if c.Writer.Header().Get("Access-Control-Allow-Origin") != "" {
			c.Header("Access-Control-Allow-Methods", method)
			c.Header("Access-Control-Allow-Headers", "Content-Type")
			c.Header("Access-Control-Max-Age", "600")
		}
		c.Status(http.StatusNoContent)
	})
}

// workspaceOfEventSlug is the workspace of the published event at :slug.
func (s *registrationsAPI) workspaceOfEventSlug(ctx context.Context, c *gin.Context) *store.Workspace {
	ev, err := store.PublishedEventBySlug(ctx, s.db, c.Param("slug"))
	if err != nil {
		return nil
	}
	return s.liveWorkspace(ctx, ev.WorkspaceID)
}

// workspaceOfSession is the workspace of the session at :session.
func (s *registrationsAPI) workspaceOfSession(ctx context.Context, c *gin.Context) *store.Workspace {
	id := c.Param("session")
	if !store.IsID(id) {
		return nil
	}
	ses, err := store.SessionByID(ctx, s.db, id)
	if err != nil {
		return nil
	}
	return s.liveWorkspace(ctx, ses.WorkspaceID)
}

// liveWorkspace is the workspace id, nil when it is unknown or being deleted.
func (s *registrationsAPI) liveWorkspace(ctx context.Context, id string) *store.Workspace {
	ws, err := store.GetWorkspace(ctx, s.db, id)
	if err != nil || ws.DeletingAt != nil {
		return nil
	}
	return ws
}
