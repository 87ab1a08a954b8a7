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
	imported := "imported-" + strings.ToLower(store.NewSecret(4)) + "@example.com"
	tn.ImportID = h.importCSV(key, tn.SessionID, "email,name\n"+imported+",Imported\n")
	h.waitImport(key, tn.ImportID)
	invited := "invited-" + strings.ToLower(store.NewSecret(4)) + "@example.com"
	tn.InvitationBatchID = h.must(http.StatusAccepted, "POST", "/v1/sessions/"+tn.SessionID+"/invitations", key,
		map[string]any{"emails": []string{invited}}).field(h.t, "id")
	h.waitMail(invited, "You are invited")
	h.waitBatch(key, tn.InvitationBatchID)
	tn.Emails = append(tn.Emails, registrant, speaker, imported, invited)
}

// importCSV posts a CSV import and returns its id.
func (h *harness) importCSV(key, session, csv string) string {
	h.t.Helper()
	return h.must(http.StatusAccepted, "POST", "/v1/sessions/"+session+"/imports", key, []byte(csv), "Content-Type", "text/csv").field(h.t, "id")
}

// waitImport waits until an import is over (completed, failed or cancelled) and returns it.
func (h *harness) waitImport(key, id string) store.RegistrantImport {
	h.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var imp store.RegistrantImport
		h.must(http.StatusOK, "GET", "/v1/imports/"+id, key, nil).json(h.t, &imp)
		if imp.Status != store.ImportRunning {
			return imp
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("import %s still %s: %+v", id, imp.Status, imp)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// eventObjectFor names the tenant's event objects for documented {id} paths.
func (tn tenant) eventObjectFor(path string) (string, bool) {
	for prefix, id := range map[string]string{
		"/v1/events/{id}": tn.EventID, "/v1/sessions/{id}": tn.SessionID,
		"/v1/registrants/{id}": tn.RegistrantID, "/v1/staff/{id}": tn.StaffID, "/v1/imports/{id}": tn.ImportID,
		"/v1/session-invitations/{id}": tn.InvitationBatchID,
	} {
		if strings.HasPrefix(path, prefix) {
			return id, true
		}
	}
	return "", false
}

// waitBatch waits until an invitation batch is done.
func (h *harness) waitBatch(key, id string) {
	h.t.Helper()
	waitFor(h.t, 30*time.Second, "invitation batch "+id, func() bool {
		return h.must(http.StatusOK, "GET", "/v1/session-invitations/"+id, key, nil).field(h.t, "status") == "done"
	})
}
