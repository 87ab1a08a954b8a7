package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/onairhq/onair/store"
)

// TestTeamSizeFollowsThePlansHostLimit: on contacts plans every team member has host rights,
// so max_hosts bounds the team, pending invitations included; seats plans are bounded by
// licences instead.
func TestTeamSizeFollowsThePlansHostLimit(t *testing.T) {
	h := sqliteHarness(t)
	limit := func(r reply) {
		t.Helper()
		p := wantProblem(t, r, http.StatusUnprocessableEntity, "plan")
		if !strings.Contains(p["detail"].(string), "max_hosts") {
			t.Fatalf("refusal does not name the limit: %v", p)
		}
	}

	free := h.signup("Solo")
	limit(h.call("POST", "/v1/invitations", free.Key, map[string]string{"email": newAddress("bob"), "role": "member"}))

	owner := h.signup("Trio")
	h.must(http.StatusOK, "PUT", "/v1/billing/plan", owner.Key, map[string]string{"plan": "pro"}) // 3 hosts
	h.join(owner, "member", false, false)
	cid := newAddress("cid")
	h.invite(owner, cid, "member")
	limit(h.call("POST", "/v1/invitations", owner.Key, map[string]string{"email": newAddress("dan"), "role": "admin"}))
	// Re-sending the pending invitation replaces it: it needs no place of its own.
	resent, _ := h.invite(owner, cid, "member")
	h.must(http.StatusNoContent, "DELETE", "/v1/invitations/"+resent, owner.Key, nil)
	_, danToken := h.invite(owner, newAddress("dan"), "member")
	h.must(http.StatusCreated, "POST", "/v1/invitations/accept", "", map[string]string{"token": danToken, "name": "Dan"})
	limit(h.call("POST", "/v1/invitations", owner.Key, map[string]string{"email": newAddress("eve"), "role": "member"}))

	// An invitation sent when there was room cannot be accepted once the team is full.
	roomy := h.signup("Shrinking")
	h.must(http.StatusOK, "PUT", "/v1/billing/plan", roomy.Key, map[string]string{"plan": "pro"})
	_, late := h.invite(roomy, newAddress("fay"), "member")
	h.join(roomy, "member", false, false)
	if _, err := h.db.NewUpdate().Model((*store.Workspace)(nil)).Set("plan = ?", "free").
		Where("id = ?", roomy.WorkspaceID).Exec(context.Background()); err != nil { // an operator's change
		t.Fatal(err)
	}
	limit(h.accept(late, "Fay"))

	// Team (per licence): size is not bounded, licences are.
	seats := h.signup("Seats")
	h.must(http.StatusOK, "PUT", "/v1/billing/plan", seats.Key, map[string]any{"plan": "team", "seats": 1})
	for range 3 {
		h.join(seats, "member", false, false)
	}
}
