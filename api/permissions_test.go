package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/onairhq/onair/authz"
)

// TestPermissionsExplained: on a seats plan a member without a host licence
// asks why they cannot start sessions and gets authz's reason; the same
// question about a licensed teammate is allowed; the matrix is published as
// data; bad questions are 400s and other workspaces' members 404s.
// explanation reads GET /v1/permissions/explain; with one action, its decision
// shows as Allowed and Reason.
type explanation struct {
	MemberID    string `json:"member_id"`
	EventRights string `json:"event_rights"`
	SessionRole string `json:"session_role"`
	Decisions   []struct {
		Action, Reason string
		Allowed        bool
	}
	Allowed bool
	Reason  string
}

func (e *explanation) UnmarshalJSON(b []byte) error {
	type plain explanation
	if err := json.Unmarshal(b, (*plain)(e)); err != nil {
		return err
	}
	if len(e.Decisions) == 1 {
		e.Allowed, e.Reason = e.Decisions[0].Allowed, e.Decisions[0].Reason
	}
	return nil
}

func TestPermissionsExplained(t *testing.T) {
	h := sqliteHarness(t)
	owner := h.signup("Explained")
	h.must(http.StatusOK, "PUT", "/v1/billing/plan", owner.Key, map[string]any{"plan": "team", "seats": 2})
	plain := h.join(owner, "member", false, false)
	licensed := h.join(owner, "member", false, true)

	var why explanation
	h.must(http.StatusOK, "GET", "/v1/permissions/explain?action=session.start_stop", plain.Key, nil).json(t, &why)
	if why.Allowed || why.MemberID != plain.MemberID || why.EventRights != "moderator" ||
		!strings.Contains(why.Reason, "without a host licence") || !strings.Contains(why.Reason, "seats plan") {
		t.Fatalf("unlicensed member starting a session: %+v", why)
	}
	h.must(http.StatusOK, "GET", "/v1/permissions/explain?action=session.start_stop&member="+licensed.MemberID, plain.Key, nil).json(t, &why)
	if !why.Allowed || why.EventRights != "host" {
		t.Fatalf("licensed member starting a session: %+v", why)
	}
	h.must(http.StatusOK, "GET", "/v1/permissions/explain?action=member.remove&member="+plain.MemberID, owner.Key, nil).json(t, &why)
	if why.Allowed || !strings.HasPrefix(why.Reason, "members cannot") {
		t.Fatalf("member removing someone: %+v", why)
	}
	var room explanation
	h.must(http.StatusOK, "GET", "/v1/permissions/explain?action=stage.join&session_role=participant&on_stage=true", plain.Key, nil).json(t, &room)
	if !room.Allowed || room.SessionRole != "participant" {
		t.Fatalf("participant on stage joining the stage: %+v", room)
	}

	var all explanation
	h.must(http.StatusOK, "GET", "/v1/permissions/explain", plain.Key, nil).json(t, &all)
	if len(all.Decisions) < 50 {
		t.Fatalf("without an action, %d decisions", len(all.Decisions))
	}

	var matrix struct{ Tables []authz.MatrixTable }
	h.must(http.StatusOK, "GET", "/v1/permissions", plain.Key, nil).json(t, &matrix)
	if len(matrix.Tables) != 3 {
		t.Fatalf("%d tables", len(matrix.Tables))
	}
	found := false
	for _, r := range matrix.Tables[1].Rows {
		if r.Action == authz.SessionStartStop {
			found = r.Cells["host"] == authz.CellAllowed && r.Cells["moderator"] == authz.CellDenied
		}
	}
	if !found {
		t.Fatalf("the event table does not say hosts may start sessions and moderators may not: %+v", matrix.Tables[1])
	}

	other := h.signup("Elsewhere")
	for _, tc := range []struct {
		query, field string
		status       int
	}{
		{"action=session.fly", "action", http.StatusBadRequest},
		{"action=event.create&member=nonsense", "member", http.StatusBadRequest},
		{"action=stage.join&session_role=king", "session_role", http.StatusBadRequest},
		{"action=stage.join&on_stage=maybe", "on_stage", http.StatusBadRequest},
		{"action=event.create&member=" + other.MemberID, "", http.StatusNotFound},
	} {
		p := isProblem(t, h.call("GET", "/v1/permissions/explain?"+tc.query, plain.Key, nil), tc.status)
		if tc.field != "" && !strings.Contains(p["detail"].(string), tc.field) {
			t.Errorf("%s: problem %v does not name %s", tc.query, p, tc.field)
		}
	}
}
