package api_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
	"github.com/onairhq/onair/workflows"
)

// memberState is what the member rules are about.
type memberState struct {
	Role           string `json:"role"`
	BillingContact bool   `json:"billing_contact"`
}

func (h *harness) memberState(by account, memberID string) memberState {
	h.t.Helper()
	var m memberState
	h.must(http.StatusOK, "GET", "/v1/members/"+memberID, by.Key, nil).json(h.t, &m)
	return m
}

func wantRefusedAction(t *testing.T, r reply, a authz.Action) {
	t.Helper()
	if p := wantProblem(t, r, http.StatusForbidden, ""); p["action"] != string(a) {
		t.Fatalf("403 names %v, want %s", p["action"], a)
	}
}

// TestBillingContactAndOwnerRules checks spec §1: billing contacts are the owner
// or admins, and the owner's role and flag change only by a transfer. Refusals
// leave the member as they were.
func TestBillingContactAndOwnerRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		h := newHarness(t, db)
		for _, actor := range []string{"owner", "admin"} {
			h.sub(t, "as "+actor, func(t *testing.T) {
				owner := h.signupTeam("Rules by " + actor)
				by := owner
				if actor == "admin" {
					by = h.join(owner, "admin", false, false)
				}
				member := h.join(owner, "member", false, false)
				billingAdmin := h.join(owner, "admin", true, false)
				cases := []struct {
					name   string
					target account
					change map[string]any
					status int
					field  string
					after  memberState
				}{
					{"a member flagged billing contact", member, map[string]any{"billing_contact": true}, http.StatusUnprocessableEntity, "billing_contact", memberState{"member", false}},
					{"a billing admin demoted keeping the flag", billingAdmin, map[string]any{"role": "member"}, http.StatusUnprocessableEntity, "billing_contact", memberState{"admin", true}},
					{"an admin made owner by an edit", billingAdmin, map[string]any{"role": "owner"}, http.StatusUnprocessableEntity, "role", memberState{"admin", true}},
					{"the owner demoted to admin", owner, map[string]any{"role": "admin"}, http.StatusConflict, "", memberState{"owner", true}},
					{"the owner demoted to member", owner, map[string]any{"role": "member", "billing_contact": false}, http.StatusConflict, "", memberState{"owner", true}},
					{"the owner's billing flag cleared", owner, map[string]any{"billing_contact": false}, http.StatusUnprocessableEntity, "billing_contact", memberState{"owner", true}},
					{"a billing admin demoted clearing the flag", billingAdmin, map[string]any{"role": "member", "billing_contact": false}, http.StatusOK, "", memberState{"member", false}},
					{"a member made billing admin", member, map[string]any{"role": "admin", "billing_contact": true}, http.StatusOK, "", memberState{"admin", true}},
				}
				for _, c := range cases {
					h.sub(t, c.name, func(t *testing.T) {
						r := h.call("PATCH", "/v1/members/"+c.target.MemberID, by.Key, c.change)
						if c.status == http.StatusOK {
							if r.Status != http.StatusOK {
								t.Fatalf("status %d, want 200: %s", r.Status, r.Body)
							}
						} else {
							wantProblem(t, r, c.status, c.field)
						}
						if got := h.memberState(owner, c.target.MemberID); got != c.after {
							t.Fatalf("member is now %+v, want %+v", got, c.after)
						}
					})
				}
			})
		}
		h.sub(t, "the owner cannot be removed or leave", func(t *testing.T) {
			owner := h.signupTeam("Stays")
			wantProblem(t, h.call("DELETE", "/v1/members/"+owner.MemberID, owner.Key, nil), http.StatusConflict, "")
			wantProblem(t, h.call("DELETE", "/v1/me", owner.Key, nil), http.StatusConflict, "")
			h.must(http.StatusOK, "GET", "/v1/me", owner.Key, nil)
		})
	})
}

// TestOwnershipTransfer moves ownership to an admin and the right to delete the
// workspace with it.
func TestOwnershipTransfer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		h := newHarness(t, db)
		owner := h.signupTeam("Handover")
		admin := h.join(owner, "admin", false, false)
		member := h.join(owner, "member", false, false)
		transfer := func(by, to account) reply {
			return h.call("POST", "/v1/workspace/transfer-ownership", by.Key, map[string]string{"member_id": to.MemberID})
		}

		wantProblem(t, transfer(owner, member), http.StatusUnprocessableEntity, "member_id")
		wantProblem(t, transfer(owner, owner), http.StatusUnprocessableEntity, "member_id")
		if got := h.memberState(owner, member.MemberID); got != (memberState{"member", false}) {
			t.Fatalf("refused transfer changed the member: %+v", got)
		}

		r := h.must(http.StatusOK, "POST", "/v1/workspace/transfer-ownership", owner.Key, map[string]string{"member_id": admin.MemberID})
		if r.field(t, "id") != admin.MemberID || r.field(t, "role") != "owner" {
			t.Fatalf("transfer answered %s", r.Body)
		}
		if got := h.memberState(admin, admin.MemberID); got != (memberState{"owner", true}) {
			t.Fatalf("new owner is %+v", got)
		}
		if got := h.memberState(admin, owner.MemberID); got.Role != "admin" {
			t.Fatalf("old owner is %+v, want an admin", got)
		}

		wantRefusedAction(t, h.call("DELETE", "/v1/workspace", owner.Key, nil), authz.WorkspaceDelete)
		wantRefusedAction(t, transfer(owner, owner), authz.OwnershipTransfer)
		h.must(http.StatusOK, "GET", "/v1/workspace", owner.Key, nil) // refused, nothing deleted

		if r := h.call("DELETE", "/v1/workspace", admin.Key, nil); r.Status < 200 || r.Status > 299 {
			t.Fatalf("the new owner deleting the workspace: %d %s", r.Status, r.Body)
		}
		var erased workflows.WorkspaceDeletionResult
		run := temporalClient.GetWorkflow(context.Background(), workflows.WorkspaceDeletionWorkflowID(owner.WorkspaceID), "")
		if err := run.Get(context.Background(), &erased); err != nil || !erased.Erased {
			t.Fatalf("deletion workflow: %+v, %v", erased, err)
		}
		if _, err := store.GetWorkspace(context.Background(), h.db, owner.WorkspaceID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("workspace still in the store after its deletion workflow: %v", err)
		}
		for _, a := range []account{owner, admin, member} {
			wantUnauthenticated(t, h.call("GET", "/v1/workspace", a.Key, nil))
		}
	})
}

// TestLeavingAndRemovalRevokeKeys: a member's keys stop working the moment
// they leave or are removed, and they vanish from the team.
func TestLeavingAndRemovalRevokeKeys(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		h := newHarness(t, db)
		owner := h.signupTeam("Departures")
		ev := h.must(http.StatusCreated, "POST", "/v1/events", owner.Key, map[string]any{"title": "Upcoming"}).field(t, "id")
		ses := h.must(http.StatusCreated, "POST", "/v1/events/"+ev+"/sessions", owner.Key, map[string]any{
			"starts_at": future(48 * time.Hour), "duration_minutes": 30, "timezone": "UTC"}).field(t, "id")
		for _, c := range []struct {
			name, role string
			leave      func(who account) reply
		}{
			{"an admin leaves", "admin", func(who account) reply { return h.call("DELETE", "/v1/me", who.Key, nil) }},
			{"a member leaves", "member", func(who account) reply { return h.call("DELETE", "/v1/me", who.Key, nil) }},
			{"the owner removes a member", "member", func(who account) reply {
				return h.call("DELETE", "/v1/members/"+who.MemberID, owner.Key, nil)
			}},
			{"the owner removes an admin", "admin", func(who account) reply {
				return h.call("DELETE", "/v1/members/"+who.MemberID, owner.Key, nil)
			}},
		} {
			h.sub(t, c.name, func(t *testing.T) {
				who := h.join(owner, c.role, false, false)
				h.must(http.StatusCreated, "POST", "/v1/sessions/"+ses+"/staff", owner.Key, map[string]string{"member_id": who.MemberID, "role": "moderator"})
				second := h.must(http.StatusCreated, "POST", "/v1/api-keys", who.Key, map[string]string{"name": "laptop"}).field(t, "secret")
				if r := c.leave(who); r.Status != http.StatusNoContent {
					t.Fatalf("status %d, want 204: %s", r.Status, r.Body)
				}
				for _, key := range []string{who.Key, second} {
					wantUnauthenticated(t, h.call("GET", "/v1/me", key, nil))
				}
				wantProblem(t, h.call("GET", "/v1/members/"+who.MemberID, owner.Key, nil), http.StatusNotFound, "")
				if team := h.must(http.StatusOK, "GET", "/v1/members?limit=200", owner.Key, nil); strings.Contains(string(team.Body), who.MemberID) {
					t.Fatalf("departed member still listed: %s", team.Body)
				}
				if staff := h.must(http.StatusOK, "GET", "/v1/staff?session_id="+ses, owner.Key, nil); strings.Contains(string(staff.Body), who.MemberID) {
					t.Fatalf("departed member still on an upcoming session's staff: %s", staff.Body)
				}
			})
		}
	})
}

// TestRenamingIsPerWorkspace: one e-mail in two workspaces; renaming oneself
// in one leaves the name the other workspace shows untouched.
func TestRenamingIsPerWorkspace(t *testing.T) {
	h := sqliteHarness(t)
	first := h.must(http.StatusCreated, "POST", "/v1/signup", "", map[string]string{"workspace_name": "One", "name": "Ann", "email": "ann@example.com"})
	second := h.signupExisting("Two", "Ann", "ann@example.com")
	if first.field(t, "member", "user_id") != second.UserID {
		t.Fatal("one e-mail should be one user")
	}
	h.must(http.StatusOK, "PATCH", "/v1/me", second.Key, map[string]string{"name": "Mallory"})
	if got := h.must(http.StatusOK, "GET", "/v1/me", first.field(t, "api_key", "secret"), nil).field(t, "name"); got != "Ann" {
		t.Fatalf("workspace One shows %q after a rename in workspace Two", got)
	}
}
