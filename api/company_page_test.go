package api_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/onairhq/onair/store"
)

// companyFixture is a workspace with a company page: its slug, and the slug of the one event
// the page lists.
type companyFixture struct {
	owner        account
	slug, listed string
}

// frenchDate is a session's start as the French catalogue writes it, in Paris's zone.
var frenchDate = regexp.MustCompile(`(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) \d{1,2} ` +
	`(janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre) \d{4} à \d{2}:\d{2} \((CET|CEST)\)`)

// newCompany signs up a workspace with a profile in lang and the events of a real company
// page: one published with a session ahead, one unpublished, one whose only session is over,
// one whose only session was cancelled.
func newCompany(h *harness, lang string) companyFixture {
	h.t.Helper()
	owner := h.signup("Lumière Conseil")
	h.must(http.StatusOK, "PATCH", "/v1/workspace", owner.Key, map[string]any{
		"language": lang, "description": "Des webinaires sur l’éclairage durable.", "website": "https://lumiere.example",
	})
	slug := h.must(http.StatusOK, "GET", "/v1/workspace", owner.Key, nil).field(h.t, "slug")
	event := func(title string, published bool, status string) string {
		h.t.Helper()
		ev := h.must(http.StatusCreated, "POST", "/v1/events", owner.Key, map[string]any{"title": title, "description": "À propos de " + title}).field(h.t, "id")
		ses := h.must(http.StatusCreated, "POST", "/v1/events/"+ev+"/sessions", owner.Key,
			map[string]any{"starts_at": future(72 * time.Hour), "duration_minutes": 20, "timezone": "Europe/Paris"}).field(h.t, "id")
		if published {
			h.must(http.StatusOK, "POST", "/v1/events/"+ev+"/publish", owner.Key, nil)
		}
		if status != store.SessionScheduled {
			// What the session's workflow writes when it ends or is cancelled.
			if _, err := h.db.NewUpdate().Model((*store.Session)(nil)).Set("status = ?", status).Where("id = ?", ses).Exec(context.Background()); err != nil {
				h.t.Fatal(err)
			}
		}
		return h.must(http.StatusOK, "GET", "/v1/events/"+ev, owner.Key, nil).field(h.t, "slug")
	}
	listed := event("Éclairer un entrepôt", true, store.SessionScheduled)
	event("Brouillon secret", false, store.SessionScheduled)
	event("Session terminée", true, store.SessionEnded)
	event("Session annulée", true, store.SessionCancelled)
	return companyFixture{owner: owner, slug: slug, listed: listed}
}

// TestCompanyPage: /c/<slug> shows the workspace's profile and only its published events with
// a session ahead, each linking to its page with its next session in the session's zone; in
// the workspace's language unless the visitor switches; 404 once turned off.
func TestCompanyPage(t *testing.T) {
	h := sqliteHarness(t)
	co := newCompany(h, "fr")

	r := h.must(http.StatusOK, "GET", "/c/"+co.slug, "", nil, "Accept-Language", "en-US,en;q=0.9")
	body := wantPage(t, r, http.StatusOK, "fr",
		"<h1>Lumière Conseil</h1>", "Des webinaires sur l’éclairage durable.", `href="https://lumiere.example"`, "Visiter notre site",
		"Prochains webinaires", "Éclairer un entrepôt", `href="/e/`+co.listed+`"`, "Durée\u00a0: 20 minutes",
		"data-local-label=\"Chez vous\u00a0: \"", "Voir le détail et s’inscrire")
	for _, hidden := range []string{"Brouillon secret", "Session terminée", "Session annulée"} {
		if strings.Contains(body, hidden) {
			t.Errorf("the company page lists %q", hidden)
		}
	}
	if !frenchDate.MatchString(body) {
		t.Errorf("no French date on the page:\n%s", body)
	}

	r = h.must(http.StatusOK, "GET", "/c/"+co.slug+"?lang=en", "", nil, "Accept-Language", "fr")
	wantPage(t, r, http.StatusOK, "en", "Upcoming webinars", "Duration: 20 minutes", `data-local-label="Your time: "`,
		"See the details and register", `href="/e/`+co.listed+`?lang=en"`, " at ")

	h.must(http.StatusOK, "PATCH", "/v1/workspace", co.owner.Key, map[string]any{"language": "en"})
	wantPage(t, h.call("GET", "/c/"+co.slug, "", nil, "Accept-Language", "fr"), http.StatusOK, "en", "Upcoming webinars")

	// A page past the end of the list is not found; a junk page number is the first page.
	wantPage(t, h.call("GET", "/c/"+co.slug+"?page=2", "", nil), http.StatusNotFound, "en")
	wantPage(t, h.call("GET", "/c/"+co.slug+"?page=abc", "", nil), http.StatusOK, "en", "Éclairer un entrepôt")

	h.must(http.StatusOK, "PUT", "/v1/workspace/company-page", co.owner.Key, map[string]bool{"enabled": false})
	off := wantPage(t, h.call("GET", "/c/"+co.slug, "", nil, "Accept-Language", "fr-FR"), http.StatusNotFound, "fr", "Page introuvable")
	if strings.Contains(off, "Lumière Conseil") || strings.Contains(off, "Éclairer") {
		t.Errorf("a company page turned off still shows the workspace:\n%s", off)
	}
	wantPage(t, h.call("GET", "/c/no-such-company", "", nil, "Accept-Language", "en"), http.StatusNotFound, "en", "Page not found")

	h.must(http.StatusOK, "PUT", "/v1/workspace/company-page", co.owner.Key, map[string]bool{"enabled": true})
	h.must(http.StatusOK, "GET", "/c/"+co.slug, "", nil)
}

// TestCompanyPageWithNothingAhead says so rather than showing an empty list.
func TestCompanyPageWithNothingAhead(t *testing.T) {
	h := sqliteHarness(t)
	owner := h.signup("Quiet Co")
	slug := h.must(http.StatusOK, "GET", "/v1/workspace", owner.Key, nil).field(t, "slug")
	wantPage(t, h.call("GET", "/c/"+slug, "", nil), http.StatusOK, "en", "No webinar is scheduled right now.")
}
