package api_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

var signupTokenPattern = regexp.MustCompile(`sgn_[0-9a-z]{30,}`)

// signupToken reads the sign-up verification token from the newest e-mail to addr.
func (h *harness) signupToken(addr string) string {
	h.t.Helper()
	for _, m := range h.mailbox(addr) {
		if tok := signupTokenPattern.FindString(m.text); tok != "" {
			return tok
		}
	}
	h.t.Fatalf("no sign-up verification e-mail to %s in %s", addr, h.mailDir)
	return ""
}

// signupExisting signs up with the address of an existing account, follows
// the verification e-mail and returns the new workspace's owner.
func (h *harness) signupExisting(workspace, name, email string) account {
	h.t.Helper()
	h.must(http.StatusAccepted, "POST", "/v1/signup", "", map[string]string{"workspace_name": workspace, "name": name, "email": email})
	r := h.must(http.StatusCreated, "POST", "/v1/signup/verify", "", map[string]string{"token": h.signupToken(email)})
	return account{Key: r.field(h.t, "api_key", "secret"), MemberID: r.field(h.t, "member", "id"),
		UserID: r.field(h.t, "member", "user_id"), WorkspaceID: r.field(h.t, "workspace", "id")}
}

func (h *harness) count(model any, where string, args ...any) int64 {
	h.t.Helper()
	q := h.db.NewSelect().Model(model)
	if where != "" {
		q = q.Where(where, args...)
	}
	n, err := q.Count(context.Background())
	if err != nil {
		h.t.Fatal(err)
	}
	return n
}

// TestSignupWithAnExistingAddressIsVerified: signing up with the address of an
// existing account creates nothing and hands out no key; the workspace comes
// only from the token e-mailed to that address, once, and not after expiry.
func TestSignupWithAnExistingAddressIsVerified(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		h := newHarness(t, db)
		email := newAddress("ann")
		first := h.must(http.StatusCreated, "POST", "/v1/signup", "", map[string]string{"workspace_name": "First", "name": "Ann", "email": email})
		userID := first.field(t, "member", "user_id")
		workspaces := h.count((*store.Workspace)(nil), "")

		held := h.must(http.StatusAccepted, "POST", "/v1/signup", "", map[string]string{
			"workspace_name": "Second", "name": "Ann B.", "email": strings.ToUpper(email)})
		if got := held.field(t, "status"); got != "verification_sent" {
			t.Fatalf("status %q: %s", got, held.Body)
		}
		if strings.Contains(string(held.Body), "onair_") || strings.Contains(string(held.Body), "sgn_") {
			t.Fatalf("the held sign-up's answer carries a secret: %s", held.Body)
		}
		if n := h.count((*store.Workspace)(nil), ""); n != workspaces {
			t.Fatalf("%d workspaces after a held sign-up, want %d", n, workspaces)
		}
		if n := h.count((*store.Membership)(nil), "user_id = ?", userID); n != 1 {
			t.Fatalf("the existing user has %d memberships before verification, want 1", n)
		}

		subject, text := h.lastMail(email)
		for _, want := range []string{"Confirm your new onair workspace Second", "Confirmez votre nouvel espace"} {
			if !strings.Contains(subject, want) {
				t.Fatalf("subject %q lacks %q", subject, want)
			}
		}
		token := h.signupToken(email)
		for _, want := range []string{"http://onair.test/signup/verify/" + token, "Bonjour Ann B.", "Hello Ann B."} {
			if !strings.Contains(text, want) {
				t.Fatalf("e-mail lacks %q:\n%s", want, text)
			}
		}
		if n := h.count((*store.PendingSignup)(nil), "token_hash = ?", token); n != 0 {
			t.Fatal("the clear token is stored")
		}

		done := h.must(http.StatusCreated, "POST", "/v1/signup/verify", "", map[string]string{"token": token})
		if got := done.field(t, "member", "user_id"); got != userID {
			t.Fatalf("verified workspace attached to user %s, want the existing %s", got, userID)
		}
		if got := done.field(t, "member", "role"); got != "owner" {
			t.Fatalf("role %q, want owner", got)
		}
		key := done.field(t, "api_key", "secret")
		if got := h.must(http.StatusOK, "GET", "/v1/workspace", key, nil).field(t, "name"); got != "Second" {
			t.Fatalf("the new key opens workspace %q, want Second", got)
		}
		if n := h.count((*store.Membership)(nil), "user_id = ?", userID); n != 2 {
			t.Fatalf("%d memberships after verification, want 2", n)
		}

		wantProblemType(t, h.call("POST", "/v1/signup/verify", "", map[string]string{"token": token}), http.StatusGone, "signup-used")
		wantProblem(t, h.call("POST", "/v1/signup/verify", "", map[string]string{"token": "sgn_" + strings.Repeat("x", 40)}), http.StatusNotFound, "")
		wantProblem(t, h.call("POST", "/v1/signup/verify", "", map[string]string{}), http.StatusBadRequest, "token")

		h.must(http.StatusAccepted, "POST", "/v1/signup", "", map[string]string{"workspace_name": "Late", "name": "Ann", "email": email})
		late := h.signupToken(email)
		if late == token {
			t.Fatal("a second sign-up reused the first token")
		}
		if _, err := h.db.NewUpdate().Model((*store.PendingSignup)(nil)).Set("expires_at = ?", time.Now().Add(-time.Minute)).
			Where("token_hash = ?", store.HashSecret(late)).Exec(context.Background()); err != nil {
			t.Fatal(err)
		}
		wantProblemType(t, h.call("POST", "/v1/signup/verify", "", map[string]string{"token": late}), http.StatusGone, "signup-expired")
		if n := h.count((*store.Membership)(nil), "user_id = ?", userID); n != 2 {
			t.Fatalf("%d memberships after an expired token, want 2", n)
		}
	})
}
