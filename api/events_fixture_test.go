package api_test

import (
	"net/http"
	"strings"
	"time"

	"github.com/onairhq/onair/store"
)

// populateEvents gives a tenant a published event with one session, a
// registrant and an external speaker, made through the API.
func (h *harness) populateEvents(tn *tenant) {
	h.t.Helper()
	key := tn.Owner.Key
	tn.EventID = h.must(http.StatusCreated, "POST", "/v1/events", key, map[string]any{
		"title": "Fixture webinar", "settings": map[string]any{"waitlist": true, "capacity": 5},
	}).field(h.t, "id")
	h.must(http.StatusOK, "POST", "/v1/events/"+tn.EventID+"/publish", key, nil)
	tn.SessionID = h.must(http.StatusCreated, "POST", "/v1/events/"+tn.EventID+"/sessions", key, map[string]any{
		"starts_at": time.Now().Add(7 * 24 * time.Hour).UTC().Format(time.RFC3339), "duration_minutes": 15, "timezone": "Europe/Paris",
	}).field(h.t, "id")
	registrant := "registrant-" + strings.ToLower(store.NewSecret(4)) + "@example.com"
	tn.RegistrantID = h.must(http.StatusCreated, "POST", "/v1/sessions/"+tn.SessionID+"/registrants", key,
		map[string]any{"email": registrant, "name": "Registrant"}).field(h.t, "id")
	speaker := "speaker-" + strings.ToLower(store.NewSecret(4)) + "@example.com"
	tn.StaffID = h.must(http.StatusCreated, "POST", "/v1/sessions/"+tn.SessionID+"/staff", key,
		map[string]any{"email": speaker, "name": "Speaker", "role": "speaker"}).field(h.t, "id")
	tn.Emails = append(tn.Emails, registrant, speaker)
}

// eventObjectFor names the tenant's event objects for documented {id} paths.
func (tn tenant) eventObjectFor(path string) (string, bool) {
	for prefix, id := range map[string]string{
		"/v1/events/{id}": tn.EventID, "/v1/sessions/{id}": tn.SessionID,
		"/v1/registrants/{id}": tn.RegistrantID, "/v1/staff/{id}": tn.StaffID,
	} {
		if strings.HasPrefix(path, prefix) {
			return id, true
		}
	}
	return "", false
}
