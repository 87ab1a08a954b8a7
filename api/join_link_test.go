package api_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/jointoken"
	"github.com/onairhq/onair/media/roompage"
	"github.com/onairhq/onair/store"
)

// openLink GETs a personal join link as a browser would, without following the redirect.
func (h *harness) openLink(secret string) *http.Response {
	h.t.Helper()
	client := *h.srv.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := client.Get(h.srv.URL + "/join/" + url.PathEscape(secret))
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { res.Body.Close() })
	return res
}

// wantHTMLPage checks a refusal is a readable HTML page (not JSON) saying why.
func wantHTMLPage(t *testing.T, res *http.Response, status int, says string) {
	t.Helper()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != status || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(body), says) {
		t.Fatalf("status %d (want %d), content type %q, body %s; want an HTML page saying %q",
			res.StatusCode, status, res.Header.Get("Content-Type"), string(body), says)
	}
}

// The personal link of the confirmation e-mail opens the room page: an approved registrant is
// redirected to the media service's page with a fresh, verifiable token in the fragment; a
// pending registration, an unknown link, an ended session and a blocked registrant get
// readable HTML pages.
func TestJoinLinkOpensTheRoomPage(t *testing.T) {
	h := sqliteHarness(t)
	owner := h.signup("Live")
	ses := approvalSession(t, h, owner)
	reg := h.must(http.StatusCreated, "POST", "/v1/public/sessions/"+ses+"/registrations", "", map[string]any{"email": email("ann"), "name": "Ann"}).field(t, "id")
	secret := joinTokenOf[store.Registrant](t, h, reg)

	wantHTMLPage(t, h.openLink(secret), http.StatusForbidden, "not approved")
	wantHTMLPage(t, h.openLink("join_nobody"), http.StatusNotFound, "not valid")

	h.must(http.StatusOK, "POST", "/v1/registrants/"+reg+"/approve", owner.Key, nil)
	res := h.openLink(secret)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("approved registrant: status %d, want 303", res.StatusCode)
	}
	page, fragment, _ := strings.Cut(res.Header.Get("Location"), "#")
	if page != testMediaURL+roompage.Path+"?lang=en" {
		t.Fatalf("redirect to %q, want the media service's English room page %q", page, testMediaURL+roompage.Path+"?lang=en")
	}
	if strings.Contains(page, secret) {
		t.Fatal("the link secret is outside the fragment, where servers log it")
	}
	params, err := url.ParseQuery(fragment)
	if err != nil {
		t.Fatal(err)
	}
	claims, err := jointoken.Verify(testMediaSecret, params.Get("token"), params.Get("session"), time.Now())
	if err != nil || params.Get("session") != ses || claims.PersonID != reg || claims.Role != authz.SessionParticipant {
		t.Fatalf("fragment %q: claims %+v, err %v; want a participant token of %s for %s", fragment, claims, err, reg, ses)
	}
	if got := params.Get("rejoin"); got != "http://onair.test/join/"+secret {
		t.Fatalf("rejoin %q: the page cannot fetch a fresh token", got)
	}

	if _, err := h.db.NewUpdate().Model((*store.Session)(nil)).Set("status = ?", store.SessionEnded).Where("id = ?", ses).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	wantHTMLPage(t, h.openLink(secret), http.StatusGone, "session is over")

	// Someone blocked in the room is told so, not that their registration awaits approval.
	if _, err := h.db.NewUpdate().Model((*store.Registrant)(nil)).Set("status = ?", store.RegistrantBlocked).Where("id = ?", reg).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	wantHTMLPage(t, h.openLink(secret), http.StatusForbidden, "removed you")
}
