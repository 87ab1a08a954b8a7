// Package pages renders onair's hosted pages, the HTML a person outside the team opens from a
// link we share or e-mail (an event's registration page, a cancel link, a company page, an
// invitation, an unsubscribe link, a replay): one layout in the workspace's brand, French or
// English from the locale catalogues, embedded CSS and JavaScript (no build step), a strict
// Content-Security-Policy, and forms that work without JavaScript and refuse cross-site posts.
// The API mounts the routes and does the work; this package only draws.
//
// A page is templates/<name>.html defining "content" (and optionally "head"), executed inside
// templates/layout.html with a Page. Templates reach words through the Page's localizer:
// {{.L.T "page.event.register"}}, dates with {{.L.DateTimeIn .StartsAt .Timezone}}.
package pages

import (
	"bytes"
	"crypto/rand"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/onairhq/onair/locale"
)

//go:embed templates/*.html
var templateFiles embed.FS

// views holds each page's template, parsed with the layout once at start.
var views = map[string]*template.Template{}

func init() {
	layout := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html"))
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		panic(err) // the pattern is a constant
	}
	for _, f := range names {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" {
			continue
		}
		views[name] = template.Must(template.Must(layout.Clone()).ParseFS(templateFiles, f))
	}
}

// funcs are the helpers every page template may call besides the Page's methods.
var funcs = template.FuncMap{
	// field returns the Field of a form by name, so a template can write its input and its error.
	"field": func(f *Form, name string) Field { return f.Field(name) },
	// minutes shows seconds as whole minutes, rounded to the nearest (the report page).
	"minutes": func(seconds int) int { return (seconds + 30) / 60 },
}

// Page is what the layout needs around one page's content.
type Page struct {
	L     *locale.Localizer
	Brand Brand
	Title string // the <title>, also the page's heading unless its content says otherwise
	// Description is the <meta name="description"> (and link previews' text); may be empty.
	Description string
	// Embed draws the page without the header and footer, for an iframe on the organizer's site.
	Embed bool
	// FrameAncestors are the origins allowed to frame the page (an embed); none means none.
	FrameAncestors []string
	// NoIndex asks search engines to keep the page out (personal links: cancel, unsubscribe).
	NoIndex bool
	Data    any // the page's own data

	// Set by Render.
	Nonce     string
	Languages []LanguageLink
}

// LanguageLink is one entry of the language switcher: the same page in another language.
type LanguageLink struct {
	Lang, Name, URL string
	Current         bool
}

// Render writes page name with status. The page is rendered into a buffer first, so a
// template error never leaves half a page: it is returned, and nothing is written.
func Render(w http.ResponseWriter, r *http.Request, status int, name string, p Page) error {
	t, ok := views[name]
	if !ok {
		return fmt.Errorf("pages: no page %q", name)
	}
	if p.L == nil {
		p.L = locale.For(locale.Default)
	}
	p.Nonce = nonce()
	p.Languages = languageLinks(r, p.L.Lang())
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "layout", p); err != nil {
		return fmt.Errorf("pages: render %s: %w", name, err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", p.L.Lang())
	h.Set("Content-Security-Policy", policy(p.Nonce, p.FrameAncestors))
	if len(p.FrameAncestors) == 0 {
		h.Set("X-Frame-Options", "DENY")
	}
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	if p.NoIndex {
		h.Set("Cache-Control", "no-store")
		h.Set("X-Robots-Tag", "noindex")
	}
	h.Add("Vary", "Accept-Language")
	w.WriteHeader(status)
	_, err := w.Write(b.Bytes())
	return err
}

// Notice renders the small page that says one thing: a link that is not valid, a page that
// is gone, a thank-you. title and message are already in the reader's language.
func Notice(w http.ResponseWriter, r *http.Request, status int, p Page, title, message string) error {
	p.Title = title
	p.NoIndex = true
	p.Data = struct{ Message string }{message}
	return Render(w, r, status, "notice", p)
}

// nonce is a fresh value for one response's inline <style> (the brand colour).
func nonce() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.StdEncoding.EncodeToString(b)
}
