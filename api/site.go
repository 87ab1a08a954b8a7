package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/onairhq/onair/pages"
	"github.com/onairhq/onair/store"
)

// site is what the hosted pages share (the HTML a person outside the team opens from a link
// we e-mail or share): the public base URL their links start with and the signer of their
// forms. The pages package draws them; their handlers live beside the JSON routes they
// mirror, so a form and its JSON route do the same thing one way.
type site struct {
	baseURL string
	forms   *pages.Forms
	// reportKey signs the short-lived links to report pages (report.go); nil without a link key.
	reportKey []byte
}

func newSite(baseURL string, key store.LinkKey) *site {
	st := &site{baseURL: baseURL, forms: pages.NewForms(key.Subkey("pages-forms"), baseURL)}
	if len(key) > 0 {
		st.reportKey = key.Subkey("pages-report")
	}
	return st
}

// page starts a hosted page of workspace ws (and event ev, when the page is an event's): in
// the event's language, else the workspace's, else the browser's; in the workspace's brand.
// Either may be nil, for a page that cannot tell whose it is (a link that matches nothing).
func (b *base) page(c *gin.Context, ws *store.Workspace, ev *store.Event) pages.Page {
	var choices []string
	if ev != nil {
		choices = append(choices, ev.Language)
	}
	p := pages.Page{Brand: pages.Brand{Name: "onair", Color: pages.DefaultColor}}
	if ws != nil {
		choices = append(choices, ws.Language)
		p.Brand = pages.BrandOf(ws, b.site.baseURL)
	}
	p.L = pages.Language(c.Request, choices...)
	return p
}

// render writes a hosted page; a page that fails to render is our bug, logged and answered
// with a short 500 (nothing was written yet: pages render into a buffer first).
func (b *base) render(c *gin.Context, status int, name string, p pages.Page) {
	if err := pages.Render(c.Writer, c.Request, status, name, p); err != nil {
		b.log.ErrorContext(c.Request.Context(), "hosted page failed to render", "page", name, "err", err)
		c.String(http.StatusInternalServerError, "internal error")
	}
	c.Abort()
}

// notice writes the one-message page in p's language: title and message are catalogue ids.
func (b *base) notice(c *gin.Context, status int, p pages.Page, titleID, messageID string, args ...any) {
	p.Title, p.NoIndex = p.L.T(titleID, args...), true
	p.Data = struct{ Message string }{p.L.T(messageID, args...)}
	b.render(c, status, "notice", p)
}

// pageNotFound is the hosted pages' 404: a page, never JSON, in the browser's language.
func (b *base) pageNotFound(c *gin.Context) {
	b.notice(c, http.StatusNotFound, b.page(c, nil, nil), "page.not_found.title", "page.not_found.message")
}

// formRefused answers a form post that failed the forgery check with a page saying so.
func (b *base) formRefused(c *gin.Context, p pages.Page, err error) {
	if errors.Is(err, pages.ErrStaleForm) {
		b.notice(c, http.StatusBadRequest, p, "page.form.stale_title", "page.form.stale_message")
		return
	}
	b.notice(c, http.StatusForbidden, p, "page.form.forged_title", "page.form.forged_message")
}

func (s *Server) siteRoutes() {
	s.add(route{ID: "getAsset", Method: http.MethodGet, Path: pages.AssetsPrefix + ":file", Tag: "hosted pages", Public: true,
		Summary: "The hosted pages' stylesheet and script", Raw: "text/css", RawAlt: []string{"text/javascript"}, Handler: gin.WrapH(pages.Assets())})
	s.add(route{Method: http.MethodGet, Path: "/brand/:slug/logo", Tag: "hosted pages", Public: true, Limit: limitEventPage,
		Summary: "A workspace's logo, as its pages, e-mails and live room show it", Raw: "image/png", Handler: s.publicLogo})
}

func (s *Server) publicLogo(c *gin.Context) {
	ws, err := store.WorkspaceBySlug(c.Request.Context(), s.db, c.Param("slug"))
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		fail(c, err)
		return
	}
	if err != nil || len(ws.Logo) == 0 {
		writeProblem(c, notFound("logo"))
		return
	}
	c.Header("Cache-Control", "public, max-age=3600")
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Content-Security-Policy", "default-src 'none'")
	c.Data(http.StatusOK, ws.LogoType, ws.Logo)
}
