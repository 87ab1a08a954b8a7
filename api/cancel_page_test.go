package api_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/onairhq/onair/store"
)

// The e-mailed cancel link: opening it (as a link-preview robot would) shows the registration
// and changes nothing; only confirming cancels, which frees the seat for the first on the
// waitlist. A forged post, an unknown link and the join link's secret are refused.
func TestCancelPage(t *testing.T) {
	h := sqliteHarness(t)
	e := newPageEvent(t, h, pageEventOptions{capacity: 1, waitlist: true})
	register := func(email, name string) *store.Registrant {
		id := h.must(http.StatusCreated, "POST", "/v1/public/sessions/"+e.ses+"/registrations", "", map[string]any{
			"email": email, "name": name, "join_waitlist": true, "fields": map[string]string{"company": "Acme"}}).field(t, "id")
		return registrant(t, h, id)
	}
	ann, bob := register("ann@example.com", "Ann Example"), register("bob@example.com", "Bob")
	if ann.Status != store.RegistrantApproved || bob.Status != store.RegistrantWaitlisted {
		t.Fatalf("ann %s, bob %s", ann.Status, bob.Status)
	}
	link := "/cancel/" + testLinkKey.Secret(store.LinkCancel, ann.ID, ann.LinkVersion)
	b := h.browser(t)

	page := b.get(link+"?lang=fr").must(t, http.StatusOK).has(t, "Annuler votre inscription ?", "Launch webinar",
		"Ann Example", "Oui, annuler mon inscription", `<meta name="robots" content="noindex">`)
	if page.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("a personal page may be cached: %q", page.Header.Get("Cache-Control"))
	}
	for range 3 { // opened again and again: nothing changes
		b.get(link).must(t, http.StatusOK)
	}
	if got := registrant(t, h, ann.ID).Status; got != store.RegistrantApproved {
		t.Fatalf("opening the cancel link made the registration %s", got)
	}

	action, values := page.form(t)
	b.do(http.MethodPost, action, values, "Origin", "https://evil.example").must(t, http.StatusForbidden)
	b.do(http.MethodPost, action, nil).must(t, http.StatusForbidden)
	if got := registrant(t, h, ann.ID).Status; got != store.RegistrantApproved {
		t.Fatalf("a forged post made the registration %s", got)
	}

	b.do(http.MethodPost, action, values).must(t, http.StatusOK).has(t, "Inscription annulée", "« Launch webinar » est annulée")
	if got := registrant(t, h, ann.ID).Status; got != store.RegistrantCancelled {
		t.Fatalf("after confirming, the registration is %s", got)
	}
	if got := registrant(t, h, bob.ID).Status; got != store.RegistrantApproved {
		t.Fatalf("the freed seat did not go to the waitlist: bob is %s", got)
	}
	b.get(link+"?lang=en").must(t, http.StatusOK).has(t, "Already cancelled")
	b.do(http.MethodPost, action, values).must(t, http.StatusOK).has(t, "Déjà annulée")

	b.get("/cancel/c1."+ann.ID+".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "Accept-Language", "en").must(t, http.StatusNotFound).has(t, "Page not found")
	b.get("/cancel/"+testLinkKey.Secret(store.LinkJoin, bob.ID, bob.LinkVersion)).must(t, http.StatusNotFound)
	b.do(http.MethodPost, "/cancel/nothing", nil).must(t, http.StatusNotFound)

	// Once the session is live, the page says it is too late and cancels nothing.
	if _, err := h.db.NewUpdate().Model((*store.Session)(nil)).Set("status = ?", store.SessionLive).Where("id = ?", e.ses).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	bobLink := "/cancel/" + testLinkKey.Secret(store.LinkCancel, bob.ID, bob.LinkVersion)
	b.get(bobLink+"?lang=en").must(t, http.StatusConflict).has(t, "Too late to cancel")
}

func registrant(t *testing.T, h *harness, id string) *store.Registrant {
	t.Helper()
	reg, err := store.RegistrantByID(context.Background(), h.db, id)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}
