package api_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// pageEvent is a published event with a required select and an optional text field, and one
// session two days ahead in Paris.
type pageEvent struct {
	h                *harness
	owner            account
	event, ses, slug string
}

type pageEventOptions struct {
	capacity           int
	approval, waitlist bool
	language           string
	sessions           int
}

func newPageEvent(t *testing.T, h *harness, o pageEventOptions) *pageEvent {
	t.Helper()
	owner := h.signup("Pages Co")
	h.must(http.StatusCreated, "POST", "/v1/attributes", owner.Key, map[string]any{
		"key": "company", "label": "Company", "type": "select", "options": []string{"Acme", "Globex"}, "required": true})
	h.must(http.StatusCreated, "POST", "/v1/attributes", owner.Key, map[string]any{"key": "role", "label": "Role", "type": "text"})
	settings := map[string]any{"custom_fields": []string{"company", "role"}, "approval": o.approval, "waitlist": o.waitlist}
	if o.capacity > 0 {
		settings["capacity"] = o.capacity
	}
	body := map[string]any{"title": "Launch webinar", "description": "What is new this winter.\nBring questions.", "settings": settings}
	if o.language != "" {
		body["language"] = o.language
	}
	ev := h.must(http.StatusCreated, "POST", "/v1/events", owner.Key, body).field(t, "id")
	if o.sessions == 0 {
		o.sessions = 1
	}
	var ses string
	for i := range o.sessions {
		id := h.must(http.StatusCreated, "POST", "/v1/events/"+ev+"/sessions", owner.Key,
			map[string]any{"starts_at": future(48*time.Hour + time.Duration(i)*24*time.Hour), "duration_minutes": 15, "timezone": "Europe/Paris"}).field(t, "id")
		if ses == "" {
			ses = id
		}
	}
	h.must(http.StatusOK, "POST", "/v1/events/"+ev+"/publish", owner.Key, nil)
	slug := h.must(http.StatusOK, "GET", "/v1/events/"+ev+"/share", owner.Key, nil).field(t, "slug")
	return &pageEvent{h: h, owner: owner, event: ev, ses: ses, slug: slug}
}

// browse is a browser-like client: it keeps no cookies (the pages need none) and does not
// follow redirects, so a test sees each one.
type browse struct {
	t    *testing.T
	base string
}

func (h *harness) browser(t *testing.T) *browse { return &browse{t: t, base: h.srv.URL} }

type pageReply struct {
	Status int
	Header http.Header
	Body   string
}

func (b *browse) do(method, path string, form url.Values, headers ...string) pageReply {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(context.Background(), method, b.base+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", b.base)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return pageReply{Status: res.StatusCode, Header: res.Header, Body: string(data)}
}

func (b *browse) get(path string, headers ...string) pageReply {
	return b.do(http.MethodGet, path, nil, headers...)
}

// must fails unless the reply has status.
func (r pageReply) must(t *testing.T, status int) pageReply {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d:\n%s", r.Status, status, r.Body)
	}
	return r
}

// has fails unless the page shows every text (HTML-escaped as the template writes it).
func (r pageReply) has(t *testing.T, texts ...string) pageReply {
	t.Helper()
	for _, s := range texts {
		if !strings.Contains(r.Body, s) && !strings.Contains(r.Body, html.EscapeString(s)) {
			t.Errorf("page lacks %q:\n%s", s, r.Body)
		}
	}
	return r
}

var (
	tokenField = regexp.MustCompile(`name="form_token" value="([^"]+)"`)
	formAction = regexp.MustCompile(`<form method="post" action="([^"]+)"`)
)

// form is the page's form: where it posts and its hidden fields, to which a test adds what a
// person types.
func (r pageReply) form(t *testing.T) (action string, values url.Values) {
	t.Helper()
	a, tok := formAction.FindStringSubmatch(r.Body), tokenField.FindStringSubmatch(r.Body)
	if a == nil || tok == nil {
		t.Fatalf("no form on the page:\n%s", r.Body)
	}
	values = url.Values{}
	for _, m := range regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`).FindAllStringSubmatch(r.Body, -1) {
		values.Set(m[1], html.UnescapeString(m[2]))
	}
	return html.UnescapeString(a[1]), values
}

// register fills and posts the event page's form, returning the post's reply.
func (e *pageEvent) register(t *testing.T, b *browse, page string, answers map[string]string) pageReply {
	t.Helper()
	action, values := b.get(page).must(t, http.StatusOK).form(t)
	for k, v := range answers {
		values.Set(k, v)
	}
	return b.do(http.MethodPost, action, values)
}
