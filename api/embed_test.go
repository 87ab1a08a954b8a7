package api_test

import (
	"net/http"
	"strings"
	"testing"
)

// The embeddable form may be framed only by the origins the workspace lists (CSP
// frame-ancestors), registers inside the frame, and the public JSON answers those origins'
// scripts (CORS, preflight included) and no other's.
func TestEmbedFramingAndCORS(t *testing.T) {
	h := sqliteHarness(t)
	e := newPageEvent(t, h, pageEventOptions{})
	const partner = "https://partner.example"

	for _, bad := range [][]string{{"javascript:alert(1)"}, {"http://partner.example"}, {"https://partner.example/path"},
		{"https://a.example; script-src *"}, {"https://*.example"}, {"partner.example"}} {
		wantProblem(t, h.call("PATCH", "/v1/workspace/settings", e.owner.Key, map[string]any{"embed_origins": bad}), http.StatusBadRequest, "embed_origins")
	}
	wantProblem(t, h.call("PATCH", "/v1/workspace/settings", e.owner.Key, map[string]any{"consent_text": strings.Repeat("x", 2001)}),
		http.StatusBadRequest, "consent_text")
	b := h.browser(t)

	// Before any origin is listed, nobody may frame it.
	r := b.get("/e/"+e.slug+"/embed").must(t, http.StatusOK)
	if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || r.Header.Get("X-Frame-Options") != "DENY" {
		t.Fatalf("unlisted embed headers %v", r.Header)
	}

	set := h.must(http.StatusOK, "PATCH", "/v1/workspace/settings", e.owner.Key,
		map[string]any{"embed_origins": []string{"HTTPS://Partner.Example/", "http://localhost:8080"}})
	if !strings.Contains(string(set.Body), `"embed_origins":["https://partner.example","http://localhost:8080"]`) {
		t.Fatalf("settings %s", set.Body)
	}
	r = b.get("/e/"+e.slug+"/embed?utm_source=partner").must(t, http.StatusOK).has(t, `<body class="embed">`, `name="utm_source" value="partner"`)
	if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'self' "+partner+" http://localhost:8080") ||
		r.Header.Get("X-Frame-Options") != "" {
		t.Fatalf("embed headers %v", r.Header)
	}
	if strings.Contains(r.Body, `class="description"`) || strings.Contains(r.Body, `<header class="site">`) {
		t.Error("the embed shows more than the form")
	}
	// The full page stays unframeable.
	if csp := b.get("/e/" + e.slug).Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("the full page may be framed: %s", csp)
	}

	// Registering inside the frame ends on the page after registering, framed the same way.
	action, values := r.form(t)
	if action != "/e/"+e.slug+"/embed" {
		t.Fatalf("the embed posts to %q", action)
	}
	values.Set("email", "framed@example.com")
	values.Set("fields.company", "Acme")
	next := b.do(http.MethodPost, action, values).must(t, http.StatusSeeOther).Header.Get("Location")
	done := b.get(next).must(t, http.StatusOK).has(t, `<body class="embed">`, "framed@example.com")
	if !strings.Contains(done.Header.Get("Content-Security-Policy"), "frame-ancestors 'self' "+partner) {
		t.Fatalf("the page after registering in the embed cannot be framed: %v", done.Header)
	}

	// CORS on the public JSON for the listed origins only.
	register := "/v1/public/sessions/" + e.ses + "/registrations"
	pre := h.call("OPTIONS", register, "", nil, "Origin", partner, "Access-Control-Request-Method", "POST")
	if pre.Status != http.StatusNoContent || pre.Header.Get("Access-Control-Allow-Origin") != partner ||
		!strings.Contains(pre.Header.Get("Access-Control-Allow-Methods"), "POST") || pre.Header.Get("Access-Control-Allow-Headers") != "Content-Type" {
		t.Fatalf("preflight %d %v", pre.Status, pre.Header)
	}
	evil := h.call("OPTIONS", register, "", nil, "Origin", "https://evil.example", "Access-Control-Request-Method", "POST")
	if evil.Status != http.StatusNoContent || evil.Header.Get("Access-Control-Allow-Origin") != "" || evil.Header.Get("Access-Control-Allow-Methods") != "" {
		t.Fatalf("preflight from another origin %d %v", evil.Status, evil.Header)
	}
	reg := h.call("POST", register, "", map[string]any{"email": "script@example.com", "fields": map[string]string{"company": "Acme"},
		"utm_source": "partner-site", "referrer": "https://partner.example/events"}, "Origin", partner)
	if reg.Status != http.StatusCreated || reg.Header.Get("Access-Control-Allow-Origin") != partner {
		t.Fatalf("registration from the partner's script %d %v %s", reg.Status, reg.Header, reg.Body)
	}
	if got := registrant(t, h, reg.field(t, "id")); got.UTMSource != "partner-site" || got.Referrer != "https://partner.example/events" {
		t.Errorf("the JSON route lost the source: %+v", got.Source)
	}
	bad := h.call("POST", register, "", map[string]any{"email": "nope"}, "Origin", partner)
	if bad.Status != http.StatusBadRequest || bad.Header.Get("Access-Control-Allow-Origin") != partner {
		t.Errorf("a refusal is hidden from the partner's script: %d %v", bad.Status, bad.Header)
	}
	if r := h.call("POST", register, "", map[string]any{"email": "x@example.com", "utm_campaign": strings.Repeat("c", 201)}); r.Status != http.StatusBadRequest {
		t.Errorf("an unbounded utm_campaign answered %d", r.Status)
	}
	page := h.call("GET", "/v1/public/events/"+e.slug, "", nil, "Origin", partner)
	if page.Header.Get("Access-Control-Allow-Origin") != partner || !strings.Contains(page.Header.Get("Vary"), "Origin") {
		t.Errorf("public event JSON headers %v", page.Header)
	}
	if other := h.call("GET", "/v1/public/events/"+e.slug, "", nil, "Origin", "https://evil.example"); other.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("another origin got CORS: %v", other.Header)
	}
}
