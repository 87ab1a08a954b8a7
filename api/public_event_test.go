package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestPublicEventShowsNothingInternal: the public registration page's JSON
// carries what a visitor's form needs and no id of the team, the workspace or
// the field rows (issue: custom fields exposed their owner_id).
func TestPublicEventShowsNothingInternal(t *testing.T) {
	h := sqliteHarness(t)
	owner := h.signup("Public Co")
	attr := h.must(http.StatusCreated, "POST", "/v1/attributes", owner.Key, map[string]any{
		"key": "company", "label": "Company", "type": "select", "options": []string{"Acme", "Other"}, "required": true,
	}).field(t, "id")
	ev := h.must(http.StatusCreated, "POST", "/v1/events", owner.Key, map[string]any{
		"title": "Open house", "settings": map[string]any{"custom_fields": []string{"company"}},
	}).field(t, "id")
	h.must(http.StatusCreated, "POST", "/v1/events/"+ev+"/sessions", owner.Key,
		map[string]any{"starts_at": future(48 * time.Hour), "duration_minutes": 15, "timezone": "Europe/Paris"})
	h.must(http.StatusOK, "POST", "/v1/events/"+ev+"/publish", owner.Key, nil)
	slug := h.must(http.StatusOK, "GET", "/v1/events/"+ev+"/share", owner.Key, nil).field(t, "slug")

	page := h.must(http.StatusOK, "GET", "/v1/public/events/"+slug, "", nil)
	var got struct {
		Fields []map[string]any `json:"fields"`
	}
	page.json(t, &got)
	if len(got.Fields) != 1 || got.Fields[0]["key"] != "company" || got.Fields[0]["label"] != "Company" || got.Fields[0]["required"] != true {
		t.Fatalf("fields %s", page.Body)
	}
	for _, internal := range []string{owner.UserID, owner.MemberID, owner.WorkspaceID, attr, ev, "owner_id", "created_by"} {
		if strings.Contains(string(page.Body), internal) {
			t.Errorf("public event page shows %q: %s", internal, page.Body)
		}
	}
}
