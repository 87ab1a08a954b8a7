package api_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/onairhq/onair/store"
)

// A visitor from a newsletter registers through the event page with its custom fields and the
// workspace's consent text; the post redirects to a page saying what happens next with
// add-to-calendar links; the registration keeps where they came from and their consent, and
// shows both in the API and the export. The same e-mail again lands on the same registration.
func TestEventPageRegistersThroughTheForm(t *testing.T) {
	h := sqliteHarness(t)
	e := newPageEvent(t, h, pageEventOptions{})
	h.must(http.StatusOK, "PATCH", "/v1/workspace/settings", e.owner.Key, map[string]any{"consent_text": "I agree to hear from Pages Co."})
	b := h.browser(t)

	page := "/e/" + e.slug + "?utm_source=newsletter&utm_medium=email&utm_campaign=winter&lang=en"
	first := b.get(page, "Referer", "https://blog.example.org/post/42").must(t, http.StatusOK).has(t,
		"Launch webinar", "What is new this winter.", "Registration open", `name="fields.company"`, `<option value="Acme">`,
		`name="fields.role"`, "I agree to hear from Pages Co.", `name="utm_source" value="newsletter"`,
		`name="referrer" value="https://blog.example.org/post/42"`, `data-local-label="Your time: "`, "15 minutes", "CET")

	answers := map[string]string{"email": "Ada@Example.com", "name": "Ada Lovelace", "fields.company": "Globex", "fields.role": "CTO", "consent": "yes"}
	action, values := first.form(t)
	for k, v := range answers {
		values.Set(k, v)
	}
	r := b.do(http.MethodPost, action, values).must(t, http.StatusSeeOther)
	next := r.Header.Get("Location")
	if !strings.HasPrefix(next, "/e/"+e.slug+"/registered/") || !strings.Contains(next, "lang=en") {
		t.Fatalf("redirected to %q", next)
	}
	b.get(next).must(t, http.StatusOK).has(t, "You are registered", "ada@example.com", "Download (.ics)",
		"https://calendar.google.com/calendar/render?action=TEMPLATE", "https://outlook.live.com/calendar/0/deeplink/compose?",
		"/e/"+e.slug+"/sessions/"+e.ses+"/calendar.ics")

	ics := b.get("/e/"+e.slug+"/sessions/"+e.ses+"/calendar.ics").must(t, http.StatusOK)
	if !strings.HasPrefix(ics.Header.Get("Content-Type"), "text/calendar") || !strings.Contains(ics.Body, "SUMMARY:Launch webinar") ||
		!strings.Contains(ics.Body, "TZID=Europe/Paris") || !strings.Contains(ics.Body, "METHOD:PUBLISH") ||
		!strings.Contains(ics.Body, "LOCATION:"+testBaseURL+"/e/"+e.slug) {
		t.Fatalf("calendar file %s:\n%s", ics.Header, ics.Body)
	}

	var regs struct {
		Data []map[string]any `json:"data"`
	}
	h.must(http.StatusOK, "GET", "/v1/registrants?session_id="+e.ses, e.owner.Key, nil).json(t, &regs)
	if len(regs.Data) != 1 {
		t.Fatalf("registrants %v", regs.Data)
	}
	got := regs.Data[0]
	want := map[string]any{"email": "ada@example.com", "name": "Ada Lovelace", "status": "approved", "utm_source": "newsletter",
		"utm_medium": "email", "utm_campaign": "winter", "referrer": "https://blog.example.org/post/42"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("registrant %s = %v, want %v", k, got[k], v)
		}
	}
	if fields, _ := got["fields"].(map[string]any); fields["company"] != "Globex" || fields["role"] != "CTO" {
		t.Errorf("answers %v", got["fields"])
	}
	if got["consented_at"] == nil {
		t.Error("the consent given was not recorded")
	}
	rows := parseCSV(t, h.must(http.StatusOK, "GET", "/v1/sessions/"+e.ses+"/exports/registrants", e.owner.Key, nil).Body)
	if column(t, rows, "UTM campaign")[0] != "winter" || column(t, rows, "Referrer")[0] != "https://blog.example.org/post/42" ||
		column(t, rows, "Consented at")[0] == "" {
		t.Errorf("export rows %v", rows)
	}

	// Again with the same address: the first registration, not a second one.
	again := e.register(t, b, page, answers).must(t, http.StatusSeeOther)
	if again.Header.Get("Location") != next {
		t.Errorf("the same e-mail again went to %q, not %q", again.Header.Get("Location"), next)
	}
	// A ticket not signed by us shows nothing.
	ticket := strings.TrimPrefix(strings.SplitN(next, "?", 2)[0], "/e/"+e.slug+"/registered/")
	forged := ticket[:len(ticket)-3] + "AAA"
	b.get("/e/"+e.slug+"/registered/"+forged, "Accept-Language", "fr").must(t, http.StatusNotFound).has(t, "Page introuvable")
}

// Bad forms come back as the page, 400, with a message beside each wrong field (in the page's
// language), the field marked invalid and described by its message, and what was typed kept.
func TestEventPageShowsErrorsBesideFields(t *testing.T) {
	h := sqliteHarness(t)
	e := newPageEvent(t, h, pageEventOptions{language: "fr"})
	h.must(http.StatusOK, "PATCH", "/v1/workspace/settings", e.owner.Key, map[string]any{"consent_text": "J’accepte d’être recontacté."})
	b := h.browser(t)
	page := "/e/" + e.slug

	r := e.register(t, b, page, map[string]string{"email": "pas-une-adresse", "name": "Zoé", "fields.company": "Initech"}).must(t, http.StatusBadRequest)
	r.has(t, `<html lang="fr">`, "Certaines réponses sont à revoir", `value="pas-une-adresse"`, `value="Zoé"`,
		`id="f-fields.company" name="fields.company" required aria-required="true" aria-invalid="true" aria-describedby="error-fields.company"`,
		`id="error-fields.company"`, "Choisissez l’une des options proposées.", `id="error-consent"`, "Vous devez accepter ceci pour vous inscrire.")
	// The e-mail is checked once the form is otherwise complete.
	r = e.register(t, b, page, map[string]string{"email": "pas-une-adresse", "fields.company": "Acme", "consent": "yes"}).must(t, http.StatusBadRequest)
	r.has(t, `aria-invalid="true" aria-describedby="error-email"`, "Saisissez une adresse e-mail", `<option value="Acme" selected>`)
	e.register(t, b, page, map[string]string{"consent": "yes", "fields.company": "Acme"}).must(t, http.StatusBadRequest).has(t, "Ce champ est obligatoire.")
	e.register(t, b, page, map[string]string{"email": "a@example.com", "consent": "yes", "fields.company": "Acme",
		"fields.role": strings.Repeat("x", 1001)}).must(t, http.StatusBadRequest).has(t, "Cette réponse est trop longue")
	e.register(t, b, page, map[string]string{"email": "a@example.com", "consent": "yes", "fields.company": "Acme",
		"session": store.NewID("ses")}).must(t, http.StatusBadRequest).has(t, "Choisissez l’une des sessions.")
	e.register(t, b, page, map[string]string{"email": "a@example.com", "consent": "yes", "fields.company": "Acme",
		"fields.role": "bad\x00byte"}).must(t, http.StatusBadRequest).has(t, "Cette réponse ne peut pas être acceptée.")
	if n := registrantCount(t, h, e); n != 0 {
		t.Fatalf("%d registrants after refused forms", n)
	}
}

// Posts that did not come from our page are refused with a page saying so, and register
// nobody: another site's form, no token, the token of another form, a tampered one, JSON.
func TestEventPageRefusesForgedPosts(t *testing.T) {
	h := sqliteHarness(t)
	e := newPageEvent(t, h, pageEventOptions{})
	other := newPageEvent(t, h, pageEventOptions{})
	b := h.browser(t)
	action, values := b.get("/e/"+e.slug).must(t, http.StatusOK).form(t)
	values.Set("email", "victim@example.com")
	values.Set("fields.company", "Acme")
	_, otherValues := b.get("/e/"+other.slug).must(t, http.StatusOK).form(t)

	with := func(k, v string) url.Values {
		c := url.Values{}
		for key, vs := range values {
			c[key] = vs
		}
		c.Set(k, v)
		return c
	}
	b.do(http.MethodPost, action, values, "Origin", "https://evil.example").must(t, http.StatusForbidden).has(t, "This form could not be accepted")
	b.do(http.MethodPost, action, values, "Origin", "", "Sec-Fetch-Site", "cross-site").must(t, http.StatusForbidden)
	b.do(http.MethodPost, action, with("form_token", "")).must(t, http.StatusForbidden)
	b.do(http.MethodPost, action, with("form_token", otherValues.Get("form_token"))).must(t, http.StatusForbidden)
	b.do(http.MethodPost, action, with("form_token", "9999999999"+values.Get("form_token")[10:])).must(t, http.StatusForbidden)
	if r := h.call("POST", action, "", map[string]any{"email": "victim@example.com"}); r.Status != http.StatusForbidden {
		t.Fatalf("a JSON post answered %d", r.Status)
	}
	// The embed's form is another form: its token does not register on the page, nor back.
	_, embedValues := b.get("/e/"+e.slug+"/embed").must(t, http.StatusOK).form(t)
	b.do(http.MethodPost, action, with("form_token", embedValues.Get("form_token"))).must(t, http.StatusForbidden)
	if n := registrantCount(t, h, e); n != 0 {
		t.Fatalf("%d registrants after forged posts", n)
	}
	b.do(http.MethodPost, action, values).must(t, http.StatusSeeOther)
}

func registrantCount(t *testing.T, h *harness, e *pageEvent) int {
	t.Helper()
	n, err := h.db.NewSelect().Model((*store.Registrant)(nil)).Where("session_id = ?", e.ses).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}
