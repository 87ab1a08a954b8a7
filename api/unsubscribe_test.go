package api_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/onairhq/onair/store"
)

// The unsubscribe link of reminders, invitations and follow-ups: opening it shows, in the
// workspace's language, what stops and a button, and changes nothing; a mail provider's
// one-click POST (RFC 8058) or the page's button unsubscribes; a post from elsewhere
// without either is refused; a link that is not ours is a 404 page.
func TestUnsubscribeLink(t *testing.T) {
	h := sqliteHarness(t)
	owner := h.signup("Les Ateliers")
	h.must(http.StatusOK, "PATCH", "/v1/workspace", owner.Key, map[string]any{"language": "fr"})
	ctx := context.Background()
	unsubscribed := func(addr string) bool {
		ok, err := store.Unsubscribed(ctx, h.db, owner.WorkspaceID, addr, "reminder")
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	form := func(headers ...string) []string {
		return append([]string{"Content-Type", "application/x-www-form-urlencoded"}, headers...)
	}

	path := "/unsubscribe/" + testLinkKey.UnsubscribeSecret(owner.WorkspaceID, "ada@example.com")
	page := h.must(http.StatusOK, "GET", path, "", nil)
	body := string(page.Body)
	for _, want := range []string{`<html lang="fr">`, "ada@example.com", "Les Ateliers", `<form method="post" action="` + path + `"`, "Me désinscrire"} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q:\n%s", want, body)
		}
	}
	if unsubscribed("ada@example.com") {
		t.Fatal("opening the link unsubscribed")
	}

	oneClick := url.Values{"List-Unsubscribe": {"One-Click"}}
	done := h.must(http.StatusOK, "POST", path, "", []byte(oneClick.Encode()), form()...)
	if !unsubscribed("ada@example.com") || !strings.Contains(string(done.Body), "Vous êtes désinscrit") {
		t.Fatalf("one-click post: unsubscribed %v, page %s", unsubscribed("ada@example.com"), done.Body)
	}
	h.must(http.StatusOK, "POST", path, "", []byte(oneClick.Encode()), form()...) // a provider may post twice

	bob := "/unsubscribe/" + testLinkKey.UnsubscribeSecret(owner.WorkspaceID, "bob@example.com")
	h.must(http.StatusForbidden, "POST", bob, "", []byte("x=1"), form("Origin", "https://elsewhere.example")...)
	if unsubscribed("bob@example.com") {
		t.Fatal("a post without one-click nor form token unsubscribed")
	}
	token := regexp.MustCompile(`name="form_token" value="([^"]+)"`).FindStringSubmatch(string(h.must(http.StatusOK, "GET", bob, "", nil).Body))
	if token == nil {
		t.Fatal("no form token on the page")
	}
	button := url.Values{"form_token": {token[1]}}
	h.must(http.StatusOK, "POST", bob, "", []byte(button.Encode()), form()...)
	if !unsubscribed("bob@example.com") {
		t.Fatal("the page's button did not unsubscribe")
	}

	for _, bad := range []string{"/unsubscribe/u1.nope", "/unsubscribe/" + store.LinkKey("another key of thirty-two bytes or more").UnsubscribeSecret(owner.WorkspaceID, "x@example.com")} {
		r := h.call("GET", bad, "", nil, "Accept-Language", "en")
		if r.Status != http.StatusNotFound || !strings.Contains(string(r.Body), "This link does not work") {
			t.Errorf("%s: %d %s", bad, r.Status, r.Body)
		}
	}
}

// An organizer's cancellation is its own route; the registrant is told that the
// organizer cancelled, in the same transaction.
func TestOrganizerCancelsARegistration(t *testing.T) {
	h := sqliteHarness(t)
	owner := h.signup("Cancels")
	ev := h.must(http.StatusCreated, "POST", "/v1/events", owner.Key, map[string]any{"title": "Talk"}).field(t, "id")
	ses := h.must(http.StatusCreated, "POST", "/v1/events/"+ev+"/sessions", owner.Key, map[string]any{
		"starts_at": "2030-01-20T10:00:00Z", "duration_minutes": 20, "timezone": "Europe/Paris"}).field(t, "id")
	reg := h.must(http.StatusCreated, "POST", "/v1/sessions/"+ses+"/registrants", owner.Key, map[string]any{"email": "cy@example.com"}).field(t, "id")
	if got := h.must(http.StatusOK, "POST", "/v1/registrants/"+reg+"/cancel", owner.Key, nil).field(t, "status"); got != store.RegistrantCancelled {
		t.Fatalf("status %q", got)
	}
	n, err := h.db.NewSelect().Model((*store.Delivery)(nil)).Where("recipient_id = ?", reg).Where("kind = ?", store.DeliveryCancelledByOrganizer).Count(context.Background())
	if err != nil || n != 1 {
		t.Fatalf("%d cancellation e-mails queued (%v)", n, err)
	}
}
