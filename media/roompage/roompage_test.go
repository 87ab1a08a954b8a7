package roompage

import (
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

const testPublicURL = "https://onair.example"

func get(t *testing.T, path string) (*http.Response, string) {
	t.Helper()
	return getIn(t, path, "")
}

// getIn GETs path from a browser whose Accept-Language is acceptLanguage.
func getIn(t *testing.T, path, acceptLanguage string) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if acceptLanguage != "" {
		req.Header.Set("Accept-Language", acceptLanguage)
	}
	Handler(Params{PublicURL: testPublicURL + "/"}).ServeHTTP(rec, req)
	res := rec.Result()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(body)
}

// The page and its assets are served with a CSP that allows only the page's own scripts and
// styles, so an injected chat line could not run script even if it reached the DOM as HTML.
func TestRoomPageIsServedWithAStrictPolicy(t *testing.T) {
	res, body := get(t, Path)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET %s: %d %s", Path, res.StatusCode, res.Header.Get("Content-Type"))
	}
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if !strings.Contains(csp, "img-src 'self' data: "+testPublicURL+";") {
		t.Errorf("CSP %q does not allow the workspace logos of %s, and only them", csp, testPublicURL)
	}
	if strings.Contains(csp, "unsafe") {
		t.Errorf("CSP %q allows unsafe sources", csp)
	}
	if !strings.Contains(body, `name="viewport"`) {
		t.Error("the page has no viewport meta: unreadable on a phone")
	}
	if res, _ := get(t, Path+"room.js"); res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), "javascript") {
		t.Errorf("room.js: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if res, _ := get(t, Path+"missing.js"); res.StatusCode != http.StatusNotFound {
		t.Errorf("a missing asset answered %d", res.StatusCode)
	}
}

// The page is written in the link's language (?lang=), else the browser's; its script gets
// the same language's room.* messages in a JSON block, which the CSP lets through unrun.
func TestRoomPageSpeaksTheLinksLanguage(t *testing.T) {
	for _, tc := range []struct{ path, accept, lang, heading, message string }{
		{Path + "?lang=fr", "en-US", "fr", "Salle en direct", "Monter sur scène"},
		{Path, "fr-CA,fr;q=0.9", "fr", "Salle en direct", "Lancer l’enregistrement"},
		{Path + "?lang=en", "fr", "en", "Live room", "Join the stage"},
		{Path + "?lang=klingon", "de", "en", "Live room", "Send the poll"},
	} {
		res, body := getIn(t, tc.path, tc.accept)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Language") != tc.lang {
			t.Errorf("GET %s (%s): %d, Content-Language %q, want %q", tc.path, tc.accept, res.StatusCode, res.Header.Get("Content-Language"), tc.lang)
			continue
		}
		for _, want := range []string{`<html lang="` + tc.lang + `">`, `<h1 id="title">` + tc.heading + `</h1>`, tc.message, `<script type="application/json" id="messages">{`} {
			if !strings.Contains(body, want) {
				t.Errorf("GET %s (%s): the page lacks %q", tc.path, tc.accept, want)
			}
		}
	}
	if _, body := getIn(t, Path+"?lang=fr", ""); strings.Contains(body, "{{") && !strings.Contains(body, `{{.Name}}`) {
		t.Error("the page shows an unrendered template")
	}
}

// No asset has inline event handlers or inline script, which the CSP would block anyway.
func TestRoomPageAssetsHaveNoInlineHandlers(t *testing.T) {
	inline := regexp.MustCompile(`(?i)\son[a-z]+\s*=|<script>|innerHTML|javascript:`)
	err := fs.WalkDir(assets, "assets", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(assets, path)
		if err != nil {
			return err
		}
		if m := inline.Find(b); m != nil {
			t.Errorf("%s contains %q", path, m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Everything personal travels in the fragment, which browsers never send to a server.
func TestLinkKeepsTheTokenInTheFragment(t *testing.T) {
	link := Link(LinkParams{MediaURL: "https://media.example/", SessionID: "ses_1", Token: "a.b", Rejoin: "https://onair.example/join/s3cret"})
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	if u.Scheme+"://"+u.Host+u.Path != "https://media.example"+Path || u.RawQuery != "" {
		t.Fatalf("link %q", link)
	}
	f, err := url.ParseQuery(u.Fragment)
	if err != nil || f.Get("session") != "ses_1" || f.Get("token") != "a.b" || f.Get("rejoin") != "https://onair.example/join/s3cret" {
		t.Fatalf("fragment %q (%v)", u.Fragment, err)
	}
	if fr := Link(LinkParams{MediaURL: "https://media.example", SessionID: "ses_1", Token: "a.b", Lang: "fr"}); !strings.HasPrefix(fr, "https://media.example"+Path+"?lang=fr#") {
		t.Fatalf("a French link reads %q, want the language in the query, before the fragment", fr)
	}
}
