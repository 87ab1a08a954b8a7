package api_test

import (
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/store/storetest"
)

// isolationBodies are the writes a stranger attempts on another workspace's
// objects; routes not listed get an empty JSON object.
var isolationBodies = map[string]any{
	"PATCH /v1/members/{id}":             map[string]any{"role": "admin", "host_licence": true},
	"PATCH /v1/attributes/{id}":          map[string]any{"label": "Taken over"},
	"PATCH /v1/email-templates/{id}":     map[string]any{"subject": "Taken over"},
	"POST /v1/events/{id}/sessions":      map[string]any{"starts_at": "2099-01-01T10:00:00Z", "duration_minutes": 10, "timezone": "UTC"},
	"POST /v1/sessions/{id}/registrants": map[string]any{"email": "intruder@example.com"},
	"POST /v1/sessions/{id}/reschedule":  map[string]any{"starts_at": "2099-01-01T10:00:00Z"},
	"POST /v1/sessions/{id}/staff":       map[string]any{"email": "intruder@example.com", "name": "I", "role": "speaker"},
}

// TestTenantIsolation checks spec §6: from workspace B nothing of workspace A is
// visible or changeable, and A's ids answer 404 exactly like ids that never
// existed. Every documented route with an {id} is tried, so new ones are covered.
func TestTenantIsolation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		h := newHarness(t, db)
		a, b := h.populate("Alpha"), h.populate("Beta")
		ops := h.documentedOps()

		h.sub(t, "B's reads never show A's objects", func(t *testing.T) {
			for _, op := range ops {
				// Public pages are nobody's tenant data: they serve any published event.
				if op.Method != "GET" || op.HasID() || op.Public || !strings.HasPrefix(op.Path, "/v1/") {
					continue
				}
				path := op.Path
				if op.Paged {
					path += "?limit=200"
				}
				r := h.must(http.StatusOK, "GET", path, b.Owner.Key, nil)
				for _, id := range a.identifiers() {
					if strings.Contains(string(r.Body), id) {
						t.Errorf("GET %s as B shows A's %s: %s", path, id, r.Body)
					}
				}
				if op.Paged && !containsAny(string(r.Body), b.identifiers()) {
					t.Errorf("GET %s as B shows none of B's own objects: %s", path, r.Body)
				}
			}
		})

		h.sub(t, "an Idempotency-Key of A does not replay into B", func(t *testing.T) {
			body := map[string]any{"key": "shared", "label": "Shared", "type": "text"}
			first := h.must(http.StatusCreated, "POST", "/v1/attributes", a.Owner.Key, body, "Idempotency-Key", "same-key")
			second := h.must(http.StatusCreated, "POST", "/v1/attributes", b.Owner.Key, body, "Idempotency-Key", "same-key")
			if second.Header.Get("Idempotent-Replayed") != "" || second.field(t, "id") == first.field(t, "id") {
				t.Fatalf("B got A's answer replayed: %s", second.Body)
			}
		})

		before := h.snapshot(a)
		h.sub(t, "A's ids answer 404 to B", func(t *testing.T) {
			tried := 0
			for _, op := range deletesLast(ops) {
				// A public page's {id} is vouched for by the signed secret beside it, not by
				// an API key (TestReportPageOpensWithItsLinkOnly refuses forged ones).
				if !op.HasID() || op.Public {
					continue
				}
				id, ok := a.objectFor(op.Path)
				if !ok {
					t.Errorf("%s takes an {id} but the tenant fixture has no object for it", op)
					continue
				}
				var body any
				if op.JSONBody != nil {
					body = map[string]any{}
					if b, ok := isolationBodies[op.String()]; ok {
						body = b
					}
				}
				h.sub(t, op.String(), func(t *testing.T) {
					wantProblem(t, h.call(op.Method, op.WithID(id), b.Owner.Key, body), http.StatusNotFound, "")
				})
				tried++
			}
			if tried == 0 {
				t.Fatal("the OpenAPI document lists no route with an {id}")
			}
		})
		h.sub(t, "A's ids in a body answer 404 to B", func(t *testing.T) {
			for _, m := range []account{a.Admin, a.Member, a.Owner} {
				r := h.call("POST", "/v1/workspace/transfer-ownership", b.Owner.Key, map[string]string{"member_id": m.MemberID})
				wantProblem(t, r, http.StatusNotFound, "")
			}
		})
		h.sub(t, "A is unchanged", func(t *testing.T) { sameSnapshot(t, before, h.snapshot(a)) })

		h.sub(t, "B's own ids still work", func(t *testing.T) {
			for _, op := range ops {
				if op.Method == "GET" && op.HasID() && !op.Public {
					id, _ := b.objectFor(op.Path)
					h.must(http.StatusOK, "GET", op.WithID(id), b.Owner.Key, nil)
				}
			}
		})
	})
}

// deletesLast orders operations so destructive ones run after the others.
func deletesLast(ops []documentedOp) []documentedOp {
	out := append([]documentedOp(nil), ops...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Method != "DELETE" && out[j].Method == "DELETE" })
	return out
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
