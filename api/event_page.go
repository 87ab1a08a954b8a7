package api

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/onairhq/onair/locale"
	"github.com/onairhq/onair/pages"
	"github.com/onairhq/onair/store"
)

// The registration page of a published event (/e/<slug>) and its embeddable form
// (/e/<slug>/embed): HTML forms that register exactly as the public JSON route does
// (registrationsAPI.register), then redirect to the page after registering.

func (s *registrationsAPI) eventPageRoutes() {
	for _, embed := range []bool{false, true} {
		path, what, pageID := "/e/:slug", "An event's registration page", "eventPage"
		if embed {
			path, what, pageID = "/e/:slug/embed", "An event's registration form alone, for an iframe on the origins its workspace lists", "embedForm"
		}
		s.add(route{ID: pageID, Query: []param{langParam}, Method: http.MethodGet, Path: path, Tag: "hosted pages", Public: true, Limit: limitEventPage,
			Summary: what + " (?utm_*= are kept with the registration)", Raw: "text/html", Handler: s.eventPage(embed)})
		s.add(route{ID: "register" + exported(pageID), Query: []param{langParam}, Method: http.MethodPost, Path: path, Tag: "hosted pages", Public: true, Limit: limitRegistration,
			Summary: "Send the registration form of " + strings.ToLower(what[:1]) + what[1:] + "; redirects to the page after registering",
			Raw:     "application/x-www-form-urlencoded", Status: http.StatusSeeOther, Handler: s.postEventPage(embed)})
	}
}

// formAction is the path a page's form posts to (and its token signs).
func formAction(slug string, embed bool) string {
	action := "/e/" + url.PathEscape(slug)
	if embed {
		action += "/embed"
	}
	return action
}

// withLang keeps the visitor's ?lang= choice on a link of the page.
func withLang(c *gin.Context, path string, q url.Values) string {
	if lang := c.Query("lang"); locale.Valid(lang) {
		if q == nil {
			q = url.Values{}
		}
		q.Set("lang", lang)
	}
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

func (s *registrationsAPI) eventPage(embed bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		d, err := s.loadEventPage(c.Request.Context(), c.Param("slug"))
		if err != nil {
			s.eventPageFailed(c, err)
			return
		}
		form := s.newEventForm(c, d, embed)
		src := s.sourceOf(c)
		for i, v := range src.Values() {
			form.Values[store.SourceFields[i]] = v
		}
		s.renderEventPage(c, d, form, embed, http.StatusOK)
	}
}

// newEventForm is the page's empty form, signed for its action.
func (s *registrationsAPI) newEventForm(c *gin.Context, d *eventPageData, embed bool) *pages.Form {
	action := formAction(d.ev.Slug, embed)
	form := pages.NewForm(s.site.forms, action)
	form.Action = withLang(c, action, nil)
	return form
}

func (s *registrationsAPI) renderEventPage(c *gin.Context, d *eventPageData, form *pages.Form, embed bool, status int) {
	p := s.page(c, d.ws, d.ev)
	p.Title, p.Description, p.Embed = d.ev.Title, firstLine(d.ev.Description), embed
	if embed {
		p.FrameAncestors = d.ws.Settings.EmbedOrigins
	}
	v := d.view(p.L, form)
	v.PageURL = s.site.baseURL + "/e/" + url.PathEscape(d.ev.Slug)
	p.Data = v
	s.render(c, status, "event", p)
}

// eventPageFailed answers a page whose event cannot be shown: the 404 page, or a logged 500.
func (s *registrationsAPI) eventPageFailed(c *gin.Context, err error) {
	if errors.Is(err, store.ErrNotFound) {
		s.pageNotFound(c)
		return
	}
	s.log.ErrorContext(c.Request.Context(), "event page", "slug", c.Param("slug"), "err", err)
	s.notice(c, http.StatusInternalServerError, s.page(c, nil, nil), "page.event.failure.title", "page.event.failure.message")
}

func (s *registrationsAPI) postEventPage(embed bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		d, err := s.loadEventPage(ctx, c.Param("slug"))
		if err != nil {
			s.eventPageFailed(c, err)
			return
		}
		p := s.page(c, d.ws, d.ev)
		p.Embed = embed
		if embed {
			p.FrameAncestors = d.ws.Settings.EmbedOrigins
		}
		if err := s.site.forms.Check(c.Request, formAction(d.ev.Slug, embed)); err != nil {
			s.formRefused(c, p, err)
			return
		}
		form := s.newEventForm(c, d, embed)
		req, ses := readEventForm(c, d, form, p.L)
		if form.Invalid() {
			s.renderEventPage(c, d, form, embed, http.StatusBadRequest)
			return
		}
		reg, _, err := s.register(ctx, d.ev, ses, req, false)
		var invalid *store.InvalidField
		switch {
		case errors.As(err, &invalid):
			form.Fail(invalid.Field, fieldMessage(p.L, d, invalid.Field))
			form.Problem = p.L.T("page.event.problem")
			s.renderEventPage(c, d, form, embed, http.StatusBadRequest)
			return
		case errors.Is(err, store.ErrSessionFull), errors.Is(err, store.ErrSessionClosed):
			form.Problem = p.L.T("page.event.closed_now")
			if errors.Is(err, store.ErrSessionFull) {
				form.Problem = p.L.T("page.event.full_now")
			}
			// The page is loaded again: the session now shows as full or is gone.
			if d, err = s.loadEventPage(ctx, d.ev.Slug); err != nil {
				s.eventPageFailed(c, err)
				return
			}
			s.renderEventPage(c, d, form, embed, http.StatusConflict)
			return
		case err != nil:
			s.eventPageFailed(c, err)
			return
		}
		q := url.Values{}
		if embed {
			q.Set("embed", "1")
		}
		c.Header("Cache-Control", "no-store")
		c.Redirect(http.StatusSeeOther, withLang(c, registeredPath(d.ev.Slug, s.ticket(reg.ID)), q))
	}
}

// readEventForm reads a posted registration form into a request, keeping every value typed in
// form and failing beside each field what the page can already tell is wrong, in the
// visitor's language. The session is nil when none offered was chosen.
func readEventForm(c *gin.Context, d *eventPageData, form *pages.Form, l *locale.Localizer) (registrationRequest, *store.Session) {
	val := func(name string) string {
		v := strings.TrimSpace(c.PostForm(name))
		form.Values[name] = v
		return v
	}
	req := registrationRequest{Email: val("email"), Name: val("name"), Fields: map[string]string{},
		JoinWaitlist: d.ev.Settings.Waitlist, Consent: val("consent") != ""}
	ses := d.offeredSession(val("session"))
	if ses == nil {
		form.Fail("session", l.T("page.event.error.session"))
	}
	// Each answer is checked alone by the store's rules, so every wrong field gets its message
	// at once; register checks them all again, as for the JSON route.
	if req.Email == "" {
		form.Fail("email", l.T("page.event.error.required"))
	} else if err := (&store.Registration{Email: req.Email}).Clean(); err != nil {
		form.Fail("email", l.T("page.event.error.email"))
	}
	if _, err := store.CleanText("name", req.Name, store.MaxRegistrantName); err != nil {
		form.Fail("name", l.T("page.event.error.name"))
	}
	if d.ws.Settings.ConsentText != "" && !req.Consent {
		form.Fail("consent", l.T("page.event.error.consent"))
	}
	for _, a := range d.attrs {
		name := "fields." + a.Key
		v := val(name)
		one := store.Registration{Event: &store.Event{Settings: store.EventSettings{CustomFields: []string{a.Key}}}, Fields: map[string]string{a.Key: v}}
		_, textErr := store.CleanText(name, v, store.MaxAnswerLength)
		switch {
		case v == "" && a.Required:
			form.Fail(name, l.T("page.event.error.required"))
		case utf8.RuneCountInString(v) > store.MaxAnswerLength:
			form.Fail(name, l.T("page.event.error.too_long"))
		case v == "":
		case textErr != nil:
			form.Fail(name, l.T("page.event.error.invalid"))
		case one.CheckAnswers([]store.CustomAttribute{a}) != nil:
			form.Fail(name, fieldMessage(l, d, name))
		default:
			req.Fields[a.Key] = v
		}
	}
	var src store.Source
	for _, name := range store.SourceFields {
		src.Set(name, val(name))
	}
	req.setSource(cleanSource(src))
	if form.Invalid() {
		form.Problem = l.T("page.event.problem")
		return req, ses
	}
	if err := req.validate(); err != nil {
		field := "email" // validate refuses nothing but fields
		var p *Problem
		if errors.As(err, &p) && p.Field != "" {
			field = p.Field
		}
		form.Fail(field, fieldMessage(l, d, field))
		form.Problem = l.T("page.event.problem")
	}
	return req, ses
}

// fieldMessage says in the visitor's language what is wrong with a field the rules refused.
func fieldMessage(l *locale.Localizer, d *eventPageData, field string) string {
	switch field {
	case "email":
		return l.T("page.event.error.email")
	case "name":
		return l.T("page.event.error.name")
	}
	key, _ := strings.CutPrefix(field, "fields.")
	for _, a := range d.attrs {
		if a.Key != key {
			continue
		}
		switch a.Type {
		case "number":
			return l.T("page.event.error.number")
		case "date":
			return l.T("page.event.error.date")
		case "select":
			return l.T("page.event.error.option")
		case "checkbox":
			return l.T("page.event.error.checkbox")
		}
	}
	return l.T("page.event.error.invalid")
}

// firstLine is the start of a description, for link previews.
func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if r := []rune(s); len(r) > 200 {
		return string(r[:199]) + "…"
	}
	return s
}
