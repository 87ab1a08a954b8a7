package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

func newAddress(who string) string {
	return who + "-" + strings.ToLower(store.NewSecret(4)) + "@example.com"
}

// invite asks for an invitation as inviter and returns its id and the token
// read from the e-mail.
func (h *harness) invite(inviter account, email, role string) (id, token string) {
	h.t.Helper()
	r := h.must(http.StatusCreated, "POST", "/v1/invitations", inviter.Key, map[string]string{"email": email, "role": role})
	return r.field(h.t, "id"), h.lastToken(email)
}

func (h *harness) accept(token, name string) reply {
	h.t.Helper()
	return h.call("POST", "/v1/invitations/accept", "", map[string]string{"token": token, "name": name})
}

func wantProblemType(t *testing.T, r reply, status int, kind string) {
	t.Helper()
	p := wantProblem(t, r, status, "")
	if typ, _ := p["type"].(string); !strings.HasSuffix(typ, "/"+kind) {
		t.Fatalf("problem type %q, want .../%s", typ, kind)
	}
}

// TestInvitationLifecycle follows invitations from the e-mail to the new
// member's first call, and every way a token stops working.
func TestInvitationLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		h := newHarness(t, db)
		owner := h.signupTeam("Invites")

		for _, role := range []string{"member", "admin"} {
			h.sub(t, "accept as "+role, func(t *testing.T) {
				email := newAddress(role)
				r := h.must(http.StatusCreated, "POST", "/v1/invitations", owner.Key, map[string]string{"email": email, "role": role})
				var created struct {
					ID        string `json:"id"`
					EmailSent bool   `json:"email_sent"`
				}
				r.json(t, &created)
				if !created.EmailSent {
					t.Fatalf("invitation e-mail not sent: %s", r.Body)
				}
				subject, text := h.lastMail(email)
				token := tokenPattern.FindString(text)
				if token == "" || !strings.Contains(text, "http://onair.test/invitations/"+token) || !strings.Contains(subject, "Invites") {
					t.Fatalf("invitation e-mail lacks the accept URL or the token:\n%s\n%s", subject, text)
				}

				joined := h.accept(token, "New "+role)
				if joined.Status != http.StatusCreated || joined.field(t, "member", "role") != role {
					t.Fatalf("accept: %d %s", joined.Status, joined.Body)
				}
				key := joined.field(t, "api_key", "secret")
				me := h.must(http.StatusOK, "GET", "/v1/me", key, nil)
				if me.field(t, "role") != role || me.field(t, "user", "email") != email {
					t.Fatalf("the new key acts as %s", me.Body)
				}
				if h.must(http.StatusOK, "GET", "/v1/workspace", key, nil).field(t, "id") != owner.WorkspaceID {
					t.Fatal("the new key acts in another workspace")
				}
				if pending := h.must(http.StatusOK, "GET", "/v1/invitations", owner.Key, nil); strings.Contains(string(pending.Body), created.ID) {
					t.Fatalf("accepted invitation still pending: %s", pending.Body)
				}

				wantProblem(t, h.accept(token, "Again"), http.StatusConflict, "")
				wantProblem(t, h.call("POST", "/v1/invitations", owner.Key, map[string]string{"email": strings.ToUpper(email)}), http.StatusConflict, "")
			})
		}

		h.sub(t, "an expired token", func(t *testing.T) {
			id, token := h.invite(owner, newAddress("late"), "member")
			_, err := db.NewUpdate().Model((*store.Invitation)(nil)).Set("expires_at = ?", store.Now().Add(-time.Minute)).
				Where("id = ?", id).Exec(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			wantProblemType(t, h.accept(token, "Late"), http.StatusGone, "invitation-expired")
		})
		h.sub(t, "a revoked invitation", func(t *testing.T) {
			id, token := h.invite(owner, newAddress("withdrawn"), "member")
			h.must(http.StatusNoContent, "DELETE", "/v1/invitations/"+id, owner.Key, nil)
			wantProblemType(t, h.accept(token, "Withdrawn"), http.StatusGone, "invitation-revoked")
			wantProblem(t, h.call("DELETE", "/v1/invitations/"+id, owner.Key, nil), http.StatusConflict, "")
		})
		h.sub(t, "an unknown token", func(t *testing.T) {
			wantProblem(t, h.accept("inv_"+store.NewSecret(24), "Stranger"), http.StatusNotFound, "")
		})
		h.sub(t, "inviting the owner", func(t *testing.T) {
			email := h.must(http.StatusOK, "GET", "/v1/me", owner.Key, nil).field(t, "user", "email")
			wantProblem(t, h.call("POST", "/v1/invitations", owner.Key, map[string]string{"email": email}), http.StatusConflict, "")
		})
		h.sub(t, "re-inviting replaces the earlier token", func(t *testing.T) {
			email := newAddress("twice")
			firstID, first := h.invite(owner, email, "member")
			secondID, second := h.invite(owner, email, "member")
			if first == second {
				t.Fatal("the re-invitation e-mailed the same token")
			}
			pending := string(h.must(http.StatusOK, "GET", "/v1/invitations", owner.Key, nil).Body)
			if strings.Contains(pending, firstID) || !strings.Contains(pending, secondID) {
				t.Fatalf("pending invitations after a re-invite: %s", pending)
			}
			wantProblemType(t, h.accept(first, "Twice"), http.StatusGone, "invitation-revoked")
			h.must(http.StatusCreated, "POST", "/v1/invitations/accept", "", map[string]string{"token": second, "name": "Twice"})
		})
		h.sub(t, "members invite members, not admins", func(t *testing.T) {
			member := h.join(owner, "member", false, false)
			_, token := h.invite(member, newAddress("peer"), "member")
			if r := h.accept(token, "Peer"); r.Status != http.StatusCreated || r.field(t, "member", "role") != "member" {
				t.Fatalf("accepting a member's invitation: %d %s", r.Status, r.Body)
			}
			r := h.call("POST", "/v1/invitations", member.Key, map[string]string{"email": newAddress("boss"), "role": "admin"})
			if p := wantProblem(t, r, http.StatusForbidden, ""); p["action"] != "member.invite_admin" {
				t.Fatalf("403 names %v, want member.invite_admin", p["action"])
			}
			adminInvitation, _ := h.invite(owner, newAddress("admin"), "admin")
			r = h.call("DELETE", "/v1/invitations/"+adminInvitation, member.Key, nil)
			if p := wantProblem(t, r, http.StatusForbidden, ""); p["action"] != "member.invite_admin" {
				t.Fatalf("403 names %v, want member.invite_admin", p["action"])
			}
		})
	})
}
