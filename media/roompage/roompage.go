// Package roompage is the browser room page: plain HTML, JavaScript and CSS embedded in the
// media binary, served under Path by the media service beside the signaling WebSocket.
// The page reads its session and join token from the URL fragment (#session=…&token=…), so
// neither ever reaches a server log; what it shows about the event (title, start, brand)
// comes from the token's signed Page claims. Its words come from the locale catalogues
// (the room.* messages): the HTML is rendered in the link's language (?lang=, set by the
// API from the event's or workspace's language, else the browser's Accept-Language) and
// carries the same messages for its script.
package roompage

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/onairhq/onair/locale"
)

// Path is where the media service serves the room page; the API's /join/:secret redirects here.
const Path = "/room/"

//go:embed assets
var assets embed.FS

var index = template.Must(template.ParseFS(assets, "assets/index.html"))

// Params configure the page's handler.
type Params struct {
	// PublicURL is the API's public base URL, which serves the workspaces' logos
	// (/brand/<slug>/logo): the only origin besides the node's own the page loads images from.
	PublicURL string
}

// contentSecurityPolicy allows only the page's own scripts, styles and connections (the
// signaling WebSocket is same-origin; 'self' covers ws: and wss: on CSP Level 3 browsers, the
// explicit ws/wss origins cover older ones), images from the API's origin (the logo), media
// from the PeerConnection, and no framing.
func contentSecurityPolicy(r *http.Request, imageOrigin string) string {
	img := "'self' data:"
	if imageOrigin != "" {
		img += " " + imageOrigin
	}
	return "default-src 'none'; script-src 'self'; style-src 'self'; img-src " + img + "; " +
		"media-src 'self' blob: mediastream:; connect-src 'self' ws://" + r.Host + " wss://" + r.Host + "; " +
		"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}

// origin is scheme://host of a URL, or "" when it has none.
func origin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// Handler serves the page under Path with a strict CSP and no caching of the HTML (a new
// release must not run against an old script): the page itself rendered in its language,
// and its assets.
func Handler(p Params) http.Handler {
	files := http.FileServerFS(assets)
	imageOrigin := origin(p.PublicURL)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy(r, imageOrigin))
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Permissions-Policy", "camera=(self), microphone=(self), display-capture=(self)")
		h.Set("Cache-Control", "no-cache")
		name := strings.TrimPrefix(r.URL.Path, Path)
		if name == "" || name == "index.html" {
			servePage(w, r)
			return
		}
		inner := r.Clone(r.Context())
		inner.URL.Path = "/assets/" + name
		inner.URL.RawPath = ""
		files.ServeHTTP(w, inner)
	})
}

// pageData is what index.html is rendered with.
type pageData struct {
	L *locale.Localizer
	// Messages are the room.* templates of L's language, for the script (assets/i18n.js).
	Messages map[string]map[string]string
}

func servePage(w http.ResponseWriter, r *http.Request) {
	lang := r.URL.Query().Get("lang")
	if !locale.Valid(lang) {
		lang = locale.Negotiate(r.Header.Get("Accept-Language"))
	}
	var b bytes.Buffer
	if err := index.Execute(&b, pageData{L: locale.For(lang), Messages: locale.Templates(lang, "room.")}); err != nil {
		http.Error(w, "the room page could not be drawn", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", lang)
	w.Header().Add("Vary", "Accept-Language")
	_, _ = w.Write(b.Bytes())
}

// LinkParams is what a link to the room page carries.
type LinkParams struct {
	MediaURL  string // base URL of the media service
	SessionID string
	Token     string // media join token
	// Rejoin is the personal join link the page revisits for a fresh token once this one
	// expired (a top-level navigation: no cross-origin request, no CORS).
	Rejoin string
	// Lang is the language the page is written in; empty lets the browser's
	// Accept-Language decide.
	Lang string
}

// Link is the room page's URL for p: everything personal is in the fragment, which browsers
// never send to a server; only the language is in the query.
func Link(p LinkParams) string {
	fragment := url.Values{"session": {p.SessionID}, "token": {p.Token}}
	if p.Rejoin != "" {
		fragment.Set("rejoin", p.Rejoin)
	}
	query := ""
	if locale.Valid(p.Lang) {
		query = "?lang=" + p.Lang
	}
	return strings.TrimRight(p.MediaURL, "/") + Path + query + "#" + fragment.Encode()
}
