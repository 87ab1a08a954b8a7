package api_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// What the hosted pages' tests share: reading a page, posting its form as a browser does,
// and following a link from an e-mail.

// testBaseURL is the harness API's public URL, which e-mailed links start with.
const testBaseURL = "http://onair.test"

// wantPage asserts r is an HTML page with this status, in lang, showing every text of want
// (compared with the page's text, entities undone).
func wantPage(t *testing.T, r reply, status int, lang string, want ...string) string {
	t.Helper()
	body := html.UnescapeString(string(r.Body))
	if r.Status != status {
		t.Fatalf("status %d, want %d:\n%s", r.Status, status, body)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Fatalf("content type %q:\n%s", ct, body)
	}
	if got := r.Header.Get("Content-Language"); got != lang {
		t.Errorf("page in %q, want %q", got, lang)
	}
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %q:\n%s", w, body)
		}
	}
	return body
}

// wantPrivate asserts a page is kept out of caches and search engines (a personal link, a key).
func wantPrivate(t *testing.T, r reply) {
	t.Helper()
	if r.Header.Get("Cache-Control") != "no-store" || r.Header.Get("X-Robots-Tag") != "noindex" {
		t.Errorf("personal page cacheable or indexable: Cache-Control %q, X-Robots-Tag %q", r.Header.Get("Cache-Control"), r.Header.Get("X-Robots-Tag"))
	}
}

var formTokenPattern = regexp.MustCompile(`name="form_token" value="([^"]+)"`)

// formToken is the anti-forgery token of the page's form.
func formToken(t *testing.T, r reply) string {
	t.Helper()
	m := formTokenPattern.FindSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no form on the page:\n%s", r.Body)
	}
	return html.UnescapeString(string(m[1]))
}

// postForm posts fields to path as a browser's form from our own page does.
func (h *harness) postForm(path string, fields url.Values, headers ...string) reply {
	h.t.Helper()
	headers = append([]string{"Content-Type", "application/x-www-form-urlencoded", "Origin", h.srv.URL}, headers...)
	return h.call(http.MethodPost, path, "", []byte(fields.Encode()), headers...)
}

// emailedLink is the path of the newest link to addr's mailbox that pattern matches, as the
// harness's public URL starts it.
func (h *harness) emailedLink(addr string, pattern *regexp.Regexp) string {
	h.t.Helper()
	for _, m := range h.mailbox(addr) {
		if link := pattern.FindString(m.text); link != "" {
			return strings.TrimPrefix(link, testBaseURL)
		}
	}
	h.t.Fatalf("no e-mail to %s with a link like %s", addr, pattern)
	return ""
}

var apiKeyPattern = regexp.MustCompile(`<code class="secret" id="api-key"[^>]*>(onair_[0-9a-z]+)</code>`)

// shownKey is the API key a page shows.
func shownKey(t *testing.T, r reply) string {
	t.Helper()
	m := apiKeyPattern.FindSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no API key on the page:\n%s", r.Body)
	}
	return string(m[1])
}
