package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/onairhq/onair/store"
)

// Every state a visitor can meet on an event page says so, and offers the form only when
// registering is possible; an unpublished event is the 404 page.
func TestEventPageStates(t *testing.T) {
	h := sqliteHarness(t)
	b := h.browser(t)
	fill := func(e *pageEvent, n int) {
		for i := range n {
			h.must(http.StatusCreated, "POST", "/v1/public/sessions/"+e.ses+"/registrations", "",
				map[string]any{"email": string(rune('a'+i)) + "@example.com", "fields": map[string]string{"company": "Acme"}})
		}
	}
	setStatus := func(e *pageEvent, status string) {
		if _, err := h.db.NewUpdate().Model((*store.Session)(nil)).Set("status = ?", status).Where("id = ?", e.ses).Exec(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	hasForm := func(r pageReply) bool { return strings.Contains(r.Body, `<form method="post"`) }

	open := newPageEvent(t, h, pageEventOptions{})
	r := b.get("/e/"+open.slug, "Accept-Language", "en").must(t, http.StatusOK).has(t, "Registration open", ">Register</button>")
	if !hasForm(r) || strings.Contains(r.Body, `type="radio"`) {
		t.Error("one open session: a form without a session choice")
	}

	approval := newPageEvent(t, h, pageEventOptions{approval: true})
	b.get("/e/"+approval.slug, "Accept-Language", "en").must(t, http.StatusOK).has(t, "Registration subject to approval", "reviews each registration")
	redirect := approval.register(t, b, "/e/"+approval.slug+"?lang=en", map[string]string{"email": "p@example.com", "fields.company": "Acme"}).
		must(t, http.StatusSeeOther).Header.Get("Location")
	b.get(redirect).must(t, http.StatusOK).has(t, "Registration received", "once yours is approved")

	waitlist := newPageEvent(t, h, pageEventOptions{capacity: 1, waitlist: true})
	fill(waitlist, 1)
	r = b.get("/e/"+waitlist.slug, "Accept-Language", "en").must(t, http.StatusOK).has(t, "Full: waitlist open", "Join the waitlist</button>")
	if !hasForm(r) {
		t.Error("a full session with a waitlist offers no form")
	}
	redirect = waitlist.register(t, b, "/e/"+waitlist.slug+"?lang=fr", map[string]string{"email": "w@example.com", "fields.company": "Acme"}).
		must(t, http.StatusSeeOther).Header.Get("Location")
	b.get(redirect).must(t, http.StatusOK).has(t, "Vous êtes sur la liste d’attente", "w@example.com")

	full := newPageEvent(t, h, pageEventOptions{capacity: 1})
	fill(full, 1)
	if r = b.get("/e/"+full.slug, "Accept-Language", "en").must(t, http.StatusOK).has(t, "Every seat is taken and this event has no waitlist"); hasForm(r) {
		t.Error("a full event without waitlist offers a form")
	}

	past := newPageEvent(t, h, pageEventOptions{})
	setStatus(past, store.SessionEnded)
	if r = b.get("/e/"+past.slug+"?lang=fr").must(t, http.StatusOK).has(t, "Cet événement est terminé"); hasForm(r) {
		t.Error("a past event offers a form")
	}

	cancelled := newPageEvent(t, h, pageEventOptions{})
	setStatus(cancelled, store.SessionCancelled)
	if r = b.get("/e/"+cancelled.slug, "Accept-Language", "en").must(t, http.StatusOK).has(t, "This event was cancelled"); hasForm(r) {
		t.Error("a cancelled event offers a form")
	}

	several := newPageEvent(t, h, pageEventOptions{sessions: 3})
	r = b.get("/e/"+several.slug, "Accept-Language", "en").must(t, http.StatusOK)
	if n := strings.Count(r.Body, `type="radio" name="session"`); n != 3 {
		t.Fatalf("%d session choices, want 3", n)
	}

	h.must(http.StatusOK, "POST", "/v1/events/"+open.event+"/unpublish", open.owner.Key, nil)
	b.get("/e/"+open.slug, "Accept-Language", "en").must(t, http.StatusNotFound).has(t, "Page not found")
	b.get("/e/no-such-event").must(t, http.StatusNotFound)
	b.do(http.MethodPost, "/e/no-such-event", nil).must(t, http.StatusNotFound)
}
