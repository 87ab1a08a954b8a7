// Package roompage is the browser room page: plain HTML, JavaScript and CSS embedded in the
// media binary, served under Path by the media service beside the signaling WebSocket.
// The page reads its session and join token from the URL fragment (#session=…&token=…), so
// neither ever reaches a server log.
package roompage

import (
	"embed"
	"net/http"
	"net/url"
	"strings"
)

// Path is where the media service serves the room page; the API's /join/:secret redirects here.
const Path = "/room/"

//go:embed assets
var assets embed.FS

// contentSecurityPolicy allows only the page's own scripts, styles and connections (the
// signaling WebSocket is same-origin; 'self' covers ws: and wss: on CSP Level 3 browsers, the
// explicit ws/wss origins cover older ones), media from the PeerConnection, and no framing.
func contentSecurityPolicy(r *http.Request) string {
	return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"media-src 'self' blob: mediastream:; connect-src 'self' ws://" + r.Host + " wss://" + r.Host + "; " +
		"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}

// Handler serves the page's assets under Path with a strict CSP and no caching of the HTML
// (a new release must not run against an old script).
func Handler() http.Handler {
	files := http.FileServerFS(assets)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy(r))
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Permissions-Policy", "camera=(self), microphone=(self), display-capture=(self)")
		h.Set("Cache-Control", "no-cache")
		inner := r.Clone(r.Context())
		inner.URL.Path = "/assets/" + strings.TrimPrefix(r.URL.Path, Path)
		inner.URL.RawPath = ""
		files.ServeHTTP(w, inner)
	})
}

// LinkParams is what a link to the room page carries in its fragment.
type LinkParams struct {
	MediaURL  string // base URL of the media service
	SessionID string
	Token     string // media join token
	// Rejoin is the personal join link the page revisits for a fresh token once this one
	// expired (a top-level navigation: no cross-origin request, no CORS).
	Rejoin string
}

// Link is the room page's URL for p: everything personal is in the fragment, which browsers
// never send to a server.
func Link(p LinkParams) string {
	fragment := url.Values{"session": {p.SessionID}, "token": {p.Token}}
	if p.Rejoin != "" {
		fragment.Set("rejoin", p.Rejoin)
	}
	return strings.TrimRight(p.MediaURL, "/") + Path + "#" + fragment.Encode()
}
