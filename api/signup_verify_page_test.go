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

var signupLinkPattern = regexp.MustCompile(`http://onair\.test/signup/verify/sgn_[0-9a-z]+`)

// heldSignup signs up for workspace with the address of an existing account and returns the
// path of the verification link e-mailed to it.
func (h *harness) heldSignup(workspace string) (email, link string) {
	h.t.Helper()
	email = newAddress("ann")
	h.must(http.StatusCreated, "POST", "/v1/signup", "", map[string]string{"workspace_name": "First", "name": "Ann", "email": email})
	h.must(http.StatusAccepted, "POST", "/v1/signup", "", map[string]string{"workspace_name": workspace, "name": "Ann", "email": email})
	return email, h.emailedLink(email, signupLinkPattern)
}

// TestSignupVerificationPage: the e-mailed link opens a page in the browser's language that
// changes nothing however often it is opened (mail scanners open links); its button, posted
// from the page, creates the workspace and shows its owner key once.
func TestSignupVerificationPage(t *testing.T) {
	h := sqliteHarness(t)
	email, link := h.heldSignup("Atelier Brume")
	_, otherLink := h.heldSignup("Someone else's")
	workspaces := h.count((*store.Workspace)(nil), "")

	page := h.must(http.StatusOK, "GET", link, "", nil, "Accept-Language", "fr-CA,fr;q=0.9,en;q=0.5")
	wantPage(t, page, http.StatusOK, "fr", "Confirmez votre nouvel espace de travail", "avec l’adresse "+email,
		"«\u00a0Atelier Brume\u00a0»", "Créer «\u00a0Atelier Brume\u00a0»", `action="`+link+`"`)
	wantPrivate(t, page)
	wantPage(t, h.must(http.StatusOK, "GET", link, "", nil, "Accept-Language", "en-GB"), http.StatusOK, "en",
		"Confirm your new workspace", "Create “Atelier Brume”", "If you did not sign up")
	if n := h.count((*store.Workspace)(nil), ""); n != workspaces {
		t.Fatalf("opening the link created a workspace (%d, want %d)", n, workspaces)
	}

	token := formToken(t, page)
	for name, post := range map[string]reply{
		"no token":     h.postForm(link, nil, "Accept-Language", "fr"),
		"another site": h.postForm(link, url.Values{"form_token": {token}}, "Origin", "https://evil.example", "Accept-Language", "fr"),
		"another form": h.postForm(link, url.Values{"form_token": {formToken(t, h.must(http.StatusOK, "GET", otherLink, "", nil))}}, "Accept-Language", "fr"),
	} {
		if post.Status != http.StatusForbidden || !strings.Contains(string(post.Body), "Ce formulaire n’a pas pu être accepté") {
			t.Errorf("%s: %d\n%s", name, post.Status, post.Body)
		}
	}
	wantPage(t, h.postForm(link, url.Values{"form_token": {staleFormToken(link)}}, "Accept-Language", "fr"),
		http.StatusBadRequest, "fr", "Cette page est restée ouverte trop longtemps")
	if n := h.count((*store.Workspace)(nil), ""); n != workspaces {
		t.Fatalf("a refused post created a workspace (%d, want %d)", n, workspaces)
	}

	done := h.postForm(link, url.Values{"form_token": {token}}, "Accept-Language", "fr")
	wantPage(t, done, http.StatusOK, "fr", "Votre espace de travail Atelier Brume est prêt", "Vous êtes propriétaire de Atelier Brume",
		"ne s’affiche qu’une seule fois", "http://onair.test/openapi.json")
	wantPrivate(t, done)
	key := shownKey(t, done)
	if got := h.must(http.StatusOK, "GET", "/v1/workspace", key, nil).field(t, "name"); got != "Atelier Brume" {
		t.Fatalf("the shown key acts in %q", got)
	}
	if role := h.must(http.StatusOK, "GET", "/v1/me", key, nil).field(t, "role"); role != "owner" {
		t.Fatalf("the shown key's role %q", role)
	}

	wantPage(t, h.postForm(link, url.Values{"form_token": {token}}, "Accept-Language", "fr"), http.StatusGone, "fr", "Cette inscription est déjà confirmée")
	again := wantPage(t, h.call("GET", link, "", nil, "Accept-Language", "en"), http.StatusGone, "en", "This sign-up is already confirmed")
	if strings.Contains(again, key) {
		t.Fatal("the key was shown twice")
	}
	wantProblemType(t, h.call("POST", "/v1/signup/verify", "", map[string]string{"token": strings.TrimPrefix(link, "/signup/verify/")}), http.StatusGone, "signup-used")
}

// TestSignupVerificationPageDeadLinks: an expired or unknown link says so, as a page.
func TestSignupVerificationPageDeadLinks(t *testing.T) {
	h := sqliteHarness(t)
	email, link := h.heldSignup("Too Late")
	if _, err := h.db.NewUpdate().Model((*store.PendingSignup)(nil)).Set("expires_at = ?", store.Now().Add(-1)).
		Where("email = ?", email).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	wantPage(t, h.call("GET", link, "", nil, "Accept-Language", "fr"), http.StatusGone, "fr", "Ce lien a expiré")
	wantPage(t, h.call("GET", link, "", nil), http.StatusGone, "en", "This link has expired")
	wantPage(t, h.call("GET", "/signup/verify/sgn_"+store.NewSecret(24), "", nil, "Accept-Language", "fr"), http.StatusNotFound, "fr", "Lien introuvable")
	wantPage(t, h.call("GET", "/signup/verify/"+strings.Repeat("a", 500), "", nil), http.StatusNotFound, "en", "Link not found")
}
