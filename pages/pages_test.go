package pages

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/onairhq/onair/store"
)

func TestNoticeIsBrandedLocalizedAndLockedDown(t *testing.T) {
	ws := &store.Workspace{Name: "Acme", Slug: "acme-x1", Logo: []byte{1}, CompanyPageEnabled: true,
		Settings: store.WorkspaceSettings{BrandColor: "#112233"}}
	r := httptest.NewRequest(http.MethodGet, "/cancel/abc?x=1", nil)
	r.Header.Set("Accept-Language", "fr-FR,fr;q=0.9")
	w := httptest.NewRecorder()
	p := Page{L: Language(r), Brand: BrandOf(ws, "https://webinars.acme.test")}
	if err := Notice(w, r, http.StatusNotFound, p, "Lien introuvable", "Vérifiez le lien <b>reçu</b>."); err != nil {
		t.Fatal(err)
	}
	body := w.Body.String()
	for _, want := range []string{
		`<html lang="fr">`, "Lien introuvable", "Vérifiez le lien &lt;b&gt;reçu&lt;/b&gt;.",
		`--brand:#112233`, `src="https://webinars.acme.test/brand/acme-x1/logo"`, `href="https://webinars.acme.test/c/acme-x1"`,
		`href="/cancel/abc?lang=en&amp;x=1"`, "Webinaires propulsés par onair",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q:\n%s", want, body)
		}
	}
	if w.Code != http.StatusNotFound || w.Header().Get("Content-Language") != "fr" || w.Header().Get("X-Frame-Options") != "DENY" {
		t.Errorf("status %d, headers %v", w.Code, w.Header())
	}
	csp := w.Header().Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self';") || !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe") {
		t.Errorf("CSP %q", csp)
	}
	if !strings.Contains(body, `nonce="`) || !strings.Contains(csp, "'nonce-") {
		t.Error("the brand colour's style is not under the CSP nonce")
	}
}

func TestBrandColourNeverReachesCSSUnchecked(t *testing.T) {
	for _, c := range []string{"red;}body{display:none", "#12345", "", "#abcdeg"} {
		if got := Color(c); got != DefaultColor {
			t.Errorf("Color(%q) = %q", c, got)
		}
	}
	if Color("#A1b2C3") != "#A1b2C3" {
		t.Error("a valid colour was replaced")
	}
}

func TestLanguageSwitcherWinsOverEverything(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/e/x?lang=en", nil)
	r.Header.Set("Accept-Language", "fr")
	if got := Language(r, "fr", "fr").Lang(); got != "en" {
		t.Fatalf("?lang=en gave %q", got)
	}
	r = httptest.NewRequest(http.MethodGet, "/e/x?lang=xx", nil)
	if got := Language(r, "", "fr").Lang(); got != "fr" {
		t.Fatalf("the workspace's language gave way to %q", got)
	}
}

func TestFormsRefuseCrossSitePostsAndStaleTokens(t *testing.T) {
	f := NewForms([]byte("k"), "https://webinars.acme.test/")
	clock := time.Date(2027, 1, 1, 10, 0, 0, 0, time.UTC)
	f.now = func() time.Time { return clock }
	token := f.Token("/e/launch")
	post := func(action, tok string, headers map[string]string) error {
		r := httptest.NewRequest(http.MethodPost, "http://api.internal"+action, strings.NewReader(url.Values{"form_token": {tok}}.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range headers {
			r.Header.Set(k, v)
		}
		return f.Check(r, action)
	}
	for _, tc := range []struct {
		name    string
		action  string
		token   string
		headers map[string]string
		want    error
	}{
		{"same origin", "/e/launch", token, map[string]string{"Origin": "https://webinars.acme.test"}, nil},
		{"origin it was sent to", "/e/launch", token, map[string]string{"Origin": "http://api.internal"}, nil},
		{"no origin, same-origin fetch", "/e/launch", token, map[string]string{"Sec-Fetch-Site": "same-origin"}, nil},
		{"curl", "/e/launch", token, nil, nil},
		{"another site", "/e/launch", token, map[string]string{"Origin": "https://evil.test"}, ErrForgedForm},
		{"sandboxed frame", "/e/launch", token, map[string]string{"Origin": "null"}, ErrForgedForm},
		{"cross-site fetch", "/e/launch", token, map[string]string{"Sec-Fetch-Site": "cross-site"}, ErrForgedForm},
		{"token of another form", "/cancel/x", token, nil, ErrForgedForm},
		{"no token", "/e/launch", "", nil, ErrForgedForm},
		{"tampered expiry", "/e/launch", "9999999999" + token[strings.Index(token, "."):], nil, ErrForgedForm},
	} {
		if err := post(tc.action, tc.token, tc.headers); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	clock = clock.Add(formLifetime + time.Minute)
	if err := post("/e/launch", token, nil); !errors.Is(err, ErrStaleForm) {
		t.Errorf("an expired form: %v", err)
	}
}

func TestAssetsAreServed(t *testing.T) {
	for _, p := range []string{"pages.css", "pages.js"} {
		w := httptest.NewRecorder()
		Assets().ServeHTTP(w, httptest.NewRequest(http.MethodGet, AssetsPrefix+p, nil))
		if w.Code != http.StatusOK || w.Body.Len() < 100 {
			t.Errorf("%s: %d, %d bytes", p, w.Code, w.Body.Len())
		}
	}
}
