package api

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/onairhq/onair/locale"
	"github.com/onairhq/onair/store"
)

// The company page, /c/<workspace slug>: the workspace's profile and its published events
// that still have a session ahead, each with its next session and a link to its page. A
// workspace that turned the page off (PUT /v1/workspace/company-page) has none: 404.

// companyPageSize is how many events one company page lists; more are a click away.
const companyPageSize = 20

// companyView is the data of the company page.
type companyView struct {
	Description, Website string
	Events               []companyEvent
	// Earlier and Later link to the neighbouring pages of events, when there are some.
	Earlier, Later string
}

// companyEvent is one listed event and its next session.
type companyEvent struct {
	Title, Summary, URL string
	StartsAt            time.Time
	When, Duration      string // in the session's own time zone
	Live                bool
}

func (s *Server) companyPageRoutes() {
	s.add(route{ID: "companyPage", Query: []param{pageParam, langParam}, Method: http.MethodGet, Path: "/c/:slug", Tag: "hosted pages", Public: true, Limit: limitEventPage,
		Summary: "A workspace's company page: its profile and published upcoming events, each with its next session (404 when turned off); ?page=2 lists later ones",
		Raw:     "text/html", Handler: s.companyPage})
}

func (b *base) companyPage(c *gin.Context) {
	ctx := c.Request.Context()
	ws, err := store.WorkspaceBySlug(ctx, b.db, c.Param("slug"))
	if errors.Is(err, store.ErrNotFound) || (err == nil && (!ws.CompanyPageEnabled || ws.DeletingAt != nil)) {
		b.pageNotFound(c)
		return
	}
	p := b.page(c, ws, nil)
	if err != nil {
		b.log.ErrorContext(ctx, "company page failed", "slug", c.Param("slug"), "err", err)
		b.notice(c, http.StatusInternalServerError, p, "page.company.failed_title", "page.company.failed_message")
		return
	}
	page, _ := strconv.Atoi(c.Query("page"))
	page = max(page, 1)
	// One more than shown tells whether a later page exists.
	upcoming, err := store.UpcomingPublishedEvents(ctx, b.db, ws.ID, (page-1)*companyPageSize, companyPageSize+1)
	if err != nil {
		b.log.ErrorContext(ctx, "company page failed", "workspace", ws.ID, "err", err)
		b.notice(c, http.StatusInternalServerError, p, "page.company.failed_title", "page.company.failed_message")
		return
	}
	if page > 1 && len(upcoming) == 0 {
		b.pageNotFound(c) // a page past the end, from an old link
		return
	}
	view := companyView{Description: ws.Description}
	if isHTTPURL(ws.Website) {
		view.Website = ws.Website
	}
	// The visitor's ?lang= choice goes with them to the events' pages.
	lang := ""
	if l := c.Query("lang"); locale.Valid(l) {
		lang = l
	}
	if len(upcoming) > companyPageSize {
		upcoming = upcoming[:companyPageSize]
		view.Later = pageLink(c.Request.URL, page+1)
	}
	if page > 1 {
		view.Earlier = pageLink(c.Request.URL, page-1)
	}
	for _, u := range upcoming {
		link := "/e/" + url.PathEscape(u.Event.Slug)
		if lang != "" {
			link += "?lang=" + lang
		}
		view.Events = append(view.Events, companyEvent{
			Title: u.Event.Title, Summary: summary(u.Event.Description, 240), URL: link, StartsAt: u.Next.StartsAt,
			When: p.L.DateTimeIn(u.Next.StartsAt, u.Next.Timezone), Duration: p.L.Duration(u.Next.DurationMinutes),
			Live: u.Next.Status == store.SessionLive,
		})
	}
	p.Title = ws.Name
	p.Description = p.L.T("page.company.meta_description", "Name", ws.Name)
	p.Data = view
	b.render(c, http.StatusOK, "company", p)
}

// pageLink is u with ?page=n (the first page without it), keeping the other parameters.
func pageLink(u *url.URL, n int) string {
	q := u.Query()
	q.Del("page")
	if n > 1 {
		q.Set("page", strconv.Itoa(n))
	}
	if len(q) == 0 {
		return u.Path
	}
	return u.Path + "?" + q.Encode()
}

// summary is the start of text, cut at a word under limit runes, for a listing.
func summary(text string, limit int) string {
	text = strings.Join(strings.Fields(text), " ")
	r := []rune(text)
	if len(r) <= limit {
		return text
	}
	cut := string(r[:limit])
	if i := strings.LastIndexByte(cut, ' '); i > limit/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " .,;:") + "…"
}
