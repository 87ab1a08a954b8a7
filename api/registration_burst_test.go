package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

// The public registration registers from a copy of the session and its event a moment old
// (registration_burst.go), on Postgres, where that path runs; the copy never decides what is
// written: right after the event starts asking approval a registration is pending, right after
// it is unpublished one is refused, and the last seat taken, the session is full at once.
func TestPublicRegistrationFromARecentCopyFollowsTheEventAtOnce(t *testing.T) {
	h := newHarness(t, storetest.Postgres(t))
	owner := h.signup("Burst")
	ev := h.must(http.StatusCreated, "POST", "/v1/events", owner.Key, map[string]any{
		"title": "Launch", "settings": map[string]any{"capacity": 4},
	}).field(t, "id")
	ses := h.must(http.StatusCreated, "POST", "/v1/events/"+ev+"/sessions", owner.Key,
		map[string]any{"starts_at": future(48 * time.Hour), "duration_minutes": 15, "timezone": "Europe/Paris"}).field(t, "id")
	h.must(http.StatusOK, "POST", "/v1/events/"+ev+"/publish", owner.Key, nil)
	public := "/v1/public/sessions/" + ses + "/registrations"
	register := func(who string) reply {
		t.Helper()
		return h.call("POST", public, "", map[string]any{"email": email(who)})
	}
	for _, who := range []string{"ann", "bob"} { // the first reads the session, the second uses the copy
		if r := register(who); r.Status != http.StatusCreated || r.field(t, "status") != "approved" {
			t.Fatalf("%s: %d %s", who, r.Status, r.Body)
		}
	}

	h.must(http.StatusOK, "PATCH", "/v1/events/"+ev, owner.Key, map[string]any{"settings": map[string]any{"approval": true, "capacity": 4}})
	if r := register("cid"); r.Status != http.StatusCreated || r.field(t, "status") != "pending" {
		t.Fatalf("right after approval was turned on: %d %s, want pending", r.Status, r.Body)
	}
	h.must(http.StatusOK, "PATCH", "/v1/events/"+ev, owner.Key, map[string]any{"settings": map[string]any{"approval": false, "capacity": 4}})
	if r := register("dan"); r.Status != http.StatusCreated || r.field(t, "status") != "approved" {
		t.Fatalf("approval off again: %d %s", r.Status, r.Body)
	}
	h.must(http.StatusOK, "POST", "/v1/events/"+ev+"/unpublish", owner.Key, nil)
	wantProblem(t, register("eve"), http.StatusNotFound, "")
	h.must(http.StatusOK, "POST", "/v1/events/"+ev+"/publish", owner.Key, nil)
	if r := register("fay"); r.Status != http.StatusCreated || r.field(t, "status") != "approved" {
		t.Fatalf("published again: %d %s", r.Status, r.Body)
	}
	wantProblem(t, register("gus"), http.StatusConflict, "") // four approved: full
	if n := storetest.Count(t, h.db, (*store.Registrant)(nil), "session_id = ?", ses); n != 5 {
		t.Errorf("%d registrants, want ann, bob, cid (pending), dan and fay", n)
	}
}
