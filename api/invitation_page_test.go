package api_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/onairhq/onair/store"
)

var invitationLinkPattern = regexp.MustCompile(`http://onair\.test/invitations/inv_[0-9a-z]+`)

// invitedBy invites a new address to owner's workspace and returns it with the path of the
// link its e-mail carries.
func (h *harness) invitedBy(owner account, role string) (email, link string) {
	h.t.Helper()
	email = newAddress("guest")
	h.must(http.StatusCreated, "POST", "/v1/invitations", owner.Key, map[string]string{"email": email, "role": role})
	return email, h.emailedLink(email, invitationLinkPattern)
}

// staleFormToken is a token for action that expired a minute ago, signed as the API signs
// its forms (pages.Forms with testLinkKey): a page left open past its form's lifetime.
func staleFormToken(action string) string {
	exp := strconv.FormatInt(time.Now().Add(-time.Minute).Unix(), 10)
	m := hmac.New(sha256.New, testLinkKey.Subkey("pages-forms"))
	m.Write([]byte(action + "\x00" + exp))
	return exp + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// TestInvitationPage: the e-mailed link opens a page in the workspace's language showing the
// workspace and the role; its form, and only a genuine post of it, makes the person a member
// and shows their API key once; the link then says it was used.
func TestInvitationPage(t *testing.T) {
	h := sqliteHarness(t)
	owner := h.signupTeam("Studio Aurore")
	h.must(http.StatusOK, "PATCH", "/v1/workspace", owner.Key, map[string]any{"language": "fr", "timezone": "Europe/Paris"})
	email, link := h.invitedBy(owner, "admin")

	page := h.must(http.StatusOK, "GET", link, "", nil, "Accept-Language", "en")
	wantPage(t, page, http.StatusOK, "fr", "Rejoindre Studio Aurore sur onair", "avec le rôle «\u00a0administrateur\u00a0»",
		"envoyée à "+email, "Votre nom", "Accepter l’invitation", `action="`+link+`"`)
	wantPrivate(t, page)
	token := formToken(t, page)

	// Posts that did not come from this page's form are refused and change nothing.
	for name, post := range map[string]reply{
		"no token":         h.postForm(link, url.Values{"name": {"Mallory"}}),
		"another site":     h.postForm(link, url.Values{"form_token": {token}, "name": {"Mallory"}}, "Origin", "https://evil.example"),
		"another form":     h.postForm(link, url.Values{"form_token": {formToken(t, h.must(http.StatusOK, "GET", "/invitations/"+h.lastToken(h.mustInvite(owner)), "", nil))}, "name": {"Mallory"}}),
		"tampered token":   h.postForm(link, url.Values{"form_token": {"9999999999" + token[strings.Index(token, "."):]}, "name": {"Mallory"}}),
		"cross-site fetch": h.postForm(link, url.Values{"form_token": {token}, "name": {"Mallory"}}, "Origin", "", "Sec-Fetch-Site", "cross-site"),
	} {
		if post.Status != http.StatusForbidden || !strings.Contains(string(post.Body), "Ce formulaire n’a pas pu être accepté") {
			t.Errorf("%s: %d\n%s", name, post.Status, post.Body)
		}
	}
	stale := h.postForm(link, url.Values{"form_token": {staleFormToken(link)}, "name": {"Late"}})
	wantPage(t, stale, http.StatusBadRequest, "fr", "Cette page est restée ouverte trop longtemps")

	// A form without a name is shown again, with the message beside the field.
	empty := h.postForm(link, url.Values{"form_token": {token}, "name": {"   "}})
	body := wantPage(t, empty, http.StatusUnprocessableEntity, "fr", "Indiquez votre nom.", `aria-invalid="true"`, `id="error-name"`)
	if strings.Contains(body, "onair_") {
		t.Fatal("a refused form gave a key")
	}
	if n := h.count((*store.Membership)(nil), "workspace_id = ?", owner.WorkspaceID); n != 1 {
		t.Fatalf("%d members after refused posts, want 1", n)
	}

	done := h.postForm(link, url.Values{"form_token": {formToken(t, empty)}, "name": {"Claire Dubois"}})
	wantPage(t, done, http.StatusOK, "fr", "Bienvenue dans Studio Aurore", "Votre clé d’API", "ne s’affiche qu’une seule fois",
		"http://onair.test/v1", "http://onair.test/openapi.json")
	wantPrivate(t, done)
	key := shownKey(t, done)
	me := h.must(http.StatusOK, "GET", "/v1/me", key, nil)
	if me.field(t, "role") != "admin" || me.field(t, "name") != "Claire Dubois" || me.field(t, "user", "email") != email {
		t.Fatalf("the shown key acts as %s", me.Body)
	}

	// The key is shown once: the same post again, or the link again, says the invitation was used.
	wantPage(t, h.postForm(link, url.Values{"form_token": {token}, "name": {"Claire"}}), http.StatusGone, "fr", "Cette invitation a déjà été acceptée")
	again := wantPage(t, h.call("GET", link, "", nil), http.StatusGone, "fr", "Cette invitation a déjà été acceptée")
	if strings.Contains(again, key) {
		t.Fatal("the key was shown twice")
	}
}

// mustInvite invites a fresh address to owner's workspace and returns it.
func (h *harness) mustInvite(owner account) string {
	h.t.Helper()
	email := newAddress("other")
	h.must(http.StatusCreated, "POST", "/v1/invitations", owner.Key, map[string]string{"email": email})
	return email
}

// TestInvitationPageInEnglishAndItsDeadLinks: an English workspace's invitation reads in
// English; links that cannot be accepted any more say why, as pages, never 500.
func TestInvitationPageInEnglishAndItsDeadLinks(t *testing.T) {
	h := sqliteHarness(t)
	owner := h.signupTeam("Northwind")
	_, link := h.invitedBy(owner, "member")
	page := h.must(http.StatusOK, "GET", link, "", nil, "Accept-Language", "fr")
	wantPage(t, page, http.StatusOK, "en", "Join Northwind on onair", "with the role “member”", "Accept the invitation")
	done := h.postForm(link, url.Values{"form_token": {formToken(t, page)}, "name": {"Sam"}})
	wantPage(t, done, http.StatusOK, "en", "Welcome to Northwind", "with the role “member”", "it is shown only this once")
	h.must(http.StatusOK, "GET", "/v1/me", shownKey(t, done), nil)

	// A visitor who switched to French stays in French after sending the form.
	_, link = h.invitedBy(owner, "member")
	french := wantPage(t, h.call("GET", link+"?lang=fr", "", nil), http.StatusOK, "fr", "Rejoindre Northwind", `action="`+link+`?lang=fr"`)
	token := formTokenPattern.FindStringSubmatch(french)[1]
	wantPage(t, h.postForm(link+"?lang=fr", url.Values{"form_token": {token}, "name": {""}}), http.StatusUnprocessableEntity, "fr", "Indiquez votre nom.")
	wantPage(t, h.postForm(link+"?lang=fr", url.Values{"form_token": {token}, "name": {"Léa"}}), http.StatusOK, "fr", "Bienvenue dans Northwind")

	email, expired := h.invitedBy(owner, "member")
	if _, err := h.db.NewUpdate().Model((*store.Invitation)(nil)).Set("expires_at = ?", store.Now().Add(-time.Minute)).
		Where("email = ?", email).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	wantPage(t, h.call("GET", expired, "", nil), http.StatusGone, "en", "This invitation has expired")

	email, revoked := h.invitedBy(owner, "member")
	id := h.must(http.StatusOK, "GET", "/v1/invitations", owner.Key, nil)
	var pending struct {
		Data []struct{ ID, Email string }
	}
	id.json(t, &pending)
	for _, inv := range pending.Data {
		if inv.Email == email {
			h.must(http.StatusNoContent, "DELETE", "/v1/invitations/"+inv.ID, owner.Key, nil)
		}
	}
	wantPage(t, h.call("GET", revoked, "", nil), http.StatusGone, "en", "This invitation was withdrawn")

	for _, unknown := range []string{"/invitations/inv_" + store.NewSecret(24), "/invitations/" + strings.Repeat("x", 300), "/invitations/%3Cscript%3E"} {
		wantPage(t, h.call("GET", unknown, "", nil, "Accept-Language", "fr"), http.StatusNotFound, "fr", "Invitation introuvable")
	}
	forged := h.postForm("/invitations/inv_"+store.NewSecret(24), url.Values{"name": {"x"}})
	wantPage(t, forged, http.StatusNotFound, "en", "Invitation not found")
}
