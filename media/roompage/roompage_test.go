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

func get(t *testing.T, path string) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
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
}
