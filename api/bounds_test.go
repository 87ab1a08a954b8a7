package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// outOfBounds are refused by every number the API accepts: 2^53 (issue 12's
// duration that overflowed past the Free plan's cap), the extremes of 64 bits
// and beyond, negative, fractional and exponent forms.
var outOfBounds = []string{"9007199254740992", "9223372036854775807", "18446744073709551616", "-9223372036854775808", "-1", "1.5", "1e30", "1e2"}

// TestNumbersOutOfBounds: each number has a documented range (api/bounds.go,
// README "Limits") checked before any arithmetic; whatever is outside it is a
// 400 naming the field, and nothing changes.
func TestNumbersOutOfBounds(t *testing.T) {
	h := sqliteHarness(t)
	owner := h.signup("Bounds") // the Free plan: sessions of at most 20 minutes
	ev := h.must(http.StatusCreated, "POST", "/v1/events", owner.Key, map[string]any{"title": "Bounded"}).field(t, "id")
	start := future(48 * time.Hour)
	ses := h.must(http.StatusCreated, "POST", "/v1/events/"+ev+"/sessions", owner.Key,
		map[string]any{"starts_at": start, "duration_minutes": 15, "timezone": "UTC"}).field(t, "id")
	event := string(h.must(http.StatusOK, "GET", "/v1/events/"+ev, owner.Key, nil).Body)
	settings := string(h.must(http.StatusOK, "GET", "/v1/workspace/settings", owner.Key, nil).Body)

	for _, tc := range []struct {
		method, path, field string
		body                string // %s is the number
		alsoRefused         []string
	}{
		{"POST", "/v1/events/" + ev + "/sessions", "duration_minutes", `{"starts_at":"` + start + `","duration_minutes":%s,"timezone":"UTC"}`, []string{"0", "1441"}},
		{"POST", "/v1/sessions/" + ses + "/reschedule", "duration_minutes", `{"starts_at":"` + start + `","duration_minutes":%s}`, []string{"0", "1441"}},
		{"POST", "/v1/events", "settings.capacity", `{"title":"T","settings":{"capacity":%s}}`, []string{"1000001"}},
		{"PATCH", "/v1/events/" + ev, "settings.capacity", `{"settings":{"capacity":%s}}`, []string{"1000001"}},
		{"PATCH", "/v1/events/" + ev, "settings.green_room_minutes", `{"settings":{"green_room_minutes":%s}}`, []string{"1441"}},
		{"PATCH", "/v1/events/" + ev, "settings.reminder_offsets_minutes", `{"settings":{"reminder_offsets_minutes":[60,%s]}}`, []string{"0", "43201"}},
		{"PATCH", "/v1/workspace/settings", "reminder_offsets_minutes", `{"reminder_offsets_minutes":[%s]}`, []string{"0", "43201"}},
		{"PATCH", "/v1/workspace/settings", "green_room_minutes", `{"green_room_minutes":%s}`, []string{"121"}},
		{"PATCH", "/v1/workspace/settings", "retention_days", `{"retention_days":%s}`, []string{"3651"}},
		{"PUT", "/v1/billing/plan", "seats", `{"plan":"team","seats":%s}`, []string{"0", "10001"}},
		{"PUT", "/v1/billing/seats", "seats", `{"seats":%s}`, []string{"0", "10001"}},
	} {
		for _, v := range append(outOfBounds, tc.alsoRefused...) {
			t.Run(tc.method+" "+tc.field+" "+v, func(t *testing.T) {
				r := h.call(tc.method, tc.path, owner.Key, fmt.Sprintf(tc.body, v))
				wantProblem(t, r, http.StatusBadRequest, tc.field)
			})
		}
	}
	for _, v := range append(outOfBounds, "0", "201") {
		t.Run("GET ?limit="+v, func(t *testing.T) {
			wantProblem(t, h.call("GET", "/v1/events?limit="+v, owner.Key, nil), http.StatusBadRequest, "limit")
		})
	}

	// Within the bounds but over the plan's cap: a 422 naming the field.
	wantProblem(t, h.call("POST", "/v1/events/"+ev+"/sessions", owner.Key,
		map[string]any{"starts_at": start, "duration_minutes": 21, "timezone": "UTC"}), http.StatusUnprocessableEntity, "duration_minutes")
	if got := h.must(http.StatusOK, "GET", "/v1/sessions/"+ses, owner.Key, nil).field(t, "status"); got != "scheduled" {
		t.Fatalf("session %s after the refusals", got)
	}
	var sessions struct{ Data []map[string]any }
	h.must(http.StatusOK, "GET", "/v1/sessions?event_id="+ev, owner.Key, nil).json(t, &sessions)
	if len(sessions.Data) != 1 || sessions.Data[0]["duration_minutes"] != float64(15) {
		t.Fatalf("sessions after the refusals: %v", sessions.Data)
	}
	if got := string(h.must(http.StatusOK, "GET", "/v1/events/"+ev, owner.Key, nil).Body); got != event {
		t.Fatalf("event changed by refused requests:\n%s\n%s", event, got)
	}
	if got := string(h.must(http.StatusOK, "GET", "/v1/workspace/settings", owner.Key, nil).Body); got != settings {
		t.Fatalf("settings changed by refused requests:\n%s\n%s", settings, got)
	}
	if !strings.Contains(settings, "retention_days") {
		t.Fatalf("settings %s", settings)
	}
}
