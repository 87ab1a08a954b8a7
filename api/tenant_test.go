package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/onairhq/onair/store"
)

// tenant is a workspace holding one object of every kind, made through the API
// (plus a contact written to the store: people arrive with events, later).
type tenant struct {
	Owner, Admin, Member account
	InvitationID         string
	APIKeyID             string
	AttributeID          string
	TemplateID           string
	WebhookID            string
	PersonID             string
	// An event with one session, a registrant and a speaker (events_fixture_test.go).
	EventID, SessionID, RegistrantID, StaffID, ImportID, InvitationBatchID string
	Emails                                                                 []string
	InvoiceID                                                              string // billing_fixture_test.go
}

func (h *harness) populate(name string) tenant {
	h.t.Helper()
	owner := h.signupTeam(name)
	tn := tenant{Owner: owner, Admin: h.join(owner, "admin", false, false), Member: h.join(owner, "member", false, false)}
	invited := "pending-" + strings.ToLower(store.NewSecret(4)) + "@example.com"
	tn.InvitationID = h.must(http.StatusCreated, "POST", "/v1/invitations", owner.Key, map[string]string{"email": invited}).field(h.t, "id")
	tn.APIKeyID = h.must(http.StatusCreated, "POST", "/v1/api-keys", owner.Key, map[string]string{"name": "ci"}).field(h.t, "id")
	tn.AttributeID = h.must(http.StatusCreated, "POST", "/v1/attributes", owner.Key, attributeBody).field(h.t, "id")
	tn.TemplateID = h.must(http.StatusCreated, "POST", "/v1/email-templates", owner.Key, templateBody).field(h.t, "id")
	tn.WebhookID = h.must(http.StatusCreated, "POST", "/v1/webhooks", owner.Key,
		map[string]any{"url": "https://hooks.example.com/" + strings.ToLower(name), "events": []string{"*"}}).field(h.t, "id")
	h.must(http.StatusOK, "PUT", "/v1/workspace/logo", owner.Key, tinyPNG(), "Content-Type", "image/png")

	contact := "contact-" + strings.ToLower(store.NewSecret(4)) + "@example.com"
	now := store.Now()
	person := &store.Person{ID: store.NewID("per"), WorkspaceID: owner.WorkspaceID, Email: contact, Name: "Contact of " + name, CreatedAt: now, UpdatedAt: now}
	if err := store.Insert(context.Background(), h.db, person); err != nil {
		h.t.Fatal(err)
	}
	tn.PersonID = person.ID
	h.populateEvents(&tn)
	h.populateBilling(&tn)

	var members struct {
		Data []struct {
			User struct {
				Email string `json:"email"`
			} `json:"user"`
		} `json:"data"`
	}
	h.must(http.StatusOK, "GET", "/v1/members?limit=200", owner.Key, nil).json(h.t, &members)
	tn.Emails = []string{invited, contact}
	for _, m := range members.Data {
		tn.Emails = append(tn.Emails, m.User.Email)
	}
	return tn
}

// objectFor names the tenant's object to put in a documented {id} path.
func (tn tenant) objectFor(path string) (string, bool) {
	id, ok := map[string]string{
		"/v1/members/{id}":         tn.Member.MemberID,
		"/v1/invitations/{id}":     tn.InvitationID,
		"/v1/api-keys/{id}":        tn.APIKeyID,
		"/v1/attributes/{id}":      tn.AttributeID,
		"/v1/email-templates/{id}": tn.TemplateID,
		"/v1/webhooks/{id}":        tn.WebhookID,
	}[path]
	if !ok && strings.HasPrefix(path, "/v1/webhooks/{id}/") {
		id, ok = tn.WebhookID, true // its deliveries, redelivery, test event and secret
	}
	if !ok {
		id, ok = tn.eventObjectFor(path)
	}
	if !ok {
		id, ok = tn.billingObjectFor(path)
	}
	return id, ok
}

// identifiers are the tenant's ids, addresses and key prefixes: none may appear
// in another workspace's answers.
func (tn tenant) identifiers() []string {
	ids := []string{tn.Owner.WorkspaceID, tn.InvitationID, tn.APIKeyID, tn.AttributeID, tn.TemplateID, tn.WebhookID, tn.PersonID,
		tn.EventID, tn.SessionID, tn.RegistrantID, tn.StaffID, tn.ImportID, tn.InvitationBatchID, tn.InvoiceID}
	for _, a := range []account{tn.Owner, tn.Admin, tn.Member} {
		ids = append(ids, a.MemberID, a.UserID, a.Key[:12])
	}
	return append(ids, tn.Emails...)
}

// snapshot reads everything the tenant's owner can GET under /v1 (objects by
// id included), to compare with a later snapshot.
func (h *harness) snapshot(tn tenant) map[string]string {
	h.t.Helper()
	out := map[string]string{}
	for _, op := range h.documentedOps() {
		if op.Method != "GET" || !strings.HasPrefix(op.Path, "/v1/") {
			continue
		}
		path := op.Path
		if op.HasID() {
			id, ok := tn.objectFor(op.Path)
			if !ok {
				h.t.Fatalf("the tenant fixture has no object for %s", op)
			}
			path = op.WithID(id)
		}
		if op.Paged {
			path += "?limit=200"
		}
		r := h.call("GET", path, tn.Owner.Key, nil)
		out[path] = fmt.Sprintf("%d %s", r.Status, withoutVolatile(r.Body))
	}
	return out
}

// sameSnapshot reports every read whose answer changed.
func sameSnapshot(t *testing.T, before, after map[string]string) {
	t.Helper()
	for path, was := range before {
		if now := after[path]; now != was {
			t.Errorf("GET %s changed:\nbefore %s\nafter  %s", path, was, now)
		}
	}
}

// withoutVolatile drops what differs between two reads of unchanged data: api keys'
// last_used_at, which reading itself moves, and a problem's request_id, new per request.
func withoutVolatile(body []byte) string {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return string(body)
	}
	var strip func(any)
	strip = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			delete(x, "last_used_at")
			delete(x, "request_id")
			for _, e := range x {
				strip(e)
			}
		case []any:
			for _, e := range x {
				strip(e)
			}
		}
	}
	strip(v)
	out, _ := json.Marshal(v)
	return string(out)
}

// sub runs fn as a subtest with the harness reporting to it.
func (h *harness) sub(t *testing.T, name string, fn func(t *testing.T)) {
	t.Helper()
	t.Run(name, func(st *testing.T) {
		h.t = st
		defer func() { h.t = t }()
		fn(st)
	})
}
