package api_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/store/storetest"
)

// A body just over the 1 MiB bound of every JSON request.
var oversizedJSON = []byte(`{"zz_padding":"` + strings.Repeat("a", 1<<20) + `"}`)

// malformedBodies are refused by every route that reads a JSON body, whatever it is.
var malformedBodies = []struct {
	name        string
	body        []byte
	contentType string
	status      int
	field       string
}{
	{name: "empty body", body: []byte(``), status: http.StatusBadRequest},
	{name: "not JSON", body: []byte(`{"name":`), status: http.StatusBadRequest},
	{name: "not JSON at all", body: []byte(`name=ann`), status: http.StatusBadRequest},
	{name: "an array", body: []byte(`[{"name":"ann"}]`), status: http.StatusBadRequest},
	{name: "a string", body: []byte(`"ann"`), status: http.StatusBadRequest},
	{name: "two objects", body: []byte(`{} {}`), status: http.StatusBadRequest},
	{name: "trailing text", body: []byte(`{}garbage`), status: http.StatusBadRequest},
	{name: "trailing brace", body: []byte(`{}}`), status: http.StatusBadRequest},
	{name: "trailing bracket", body: []byte(`{} ]`), status: http.StatusBadRequest},
	{name: "unknown field", body: []byte(`{"zz_unknown":1}`), status: http.StatusBadRequest, field: "zz_unknown"},
	{name: "over 1 MiB", body: oversizedJSON, status: http.StatusRequestEntityTooLarge},
	{name: "plain text", body: []byte(`{}`), contentType: "text/plain", status: http.StatusUnsupportedMediaType},
	{name: "a form", body: []byte(`name=ann`), contentType: "application/x-www-form-urlencoded", status: http.StatusUnsupportedMediaType},
}

// wrongTypeValue is a JSON value of another type than the schema's.
var wrongTypeValue = map[string]any{
	"string": 12345, "boolean": "yes", "integer": "ten", "number": "ten", "array": "one", "object": "one",
}

// request is one call of the bad-input table against a populated workspace.
type request struct {
	op   string // "METHOD /documented/path"
	body any
}

// send resolves {id} to the tenant's object and authenticates as its owner
// unless the route is public.
func (h *harness) send(tn tenant, ops map[string]documentedOp, r request, headers ...string) reply {
	h.t.Helper()
	op, ok := ops[r.op]
	if !ok {
		h.t.Fatalf("%s is not a documented operation", r.op)
	}
	path := op.Path
	if op.HasID() {
		id, _ := tn.objectFor(op.Path)
		path = op.WithID(id)
	}
	key := tn.Owner.Key
	if op.Public {
		key = ""
	}
	return h.call(op.Method, path, key, r.body, headers...)
}

func opsByName(ops []documentedOp) map[string]documentedOp {
	m := map[string]documentedOp{}
	for _, op := range ops {
		m[op.String()] = op
	}
	return m
}

// TestBadInputIsRefusedCleanly sends malformed, oversized, mistyped and
// impossible requests to every writing route: each answer is the right 4xx
// problem, none is a 5xx, and nothing accepted before is lost.
func TestBadInputIsRefusedCleanly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		h := newHarness(t, db)
		tn := h.populate("Robust")
		ops := h.documentedOps()
		byName := opsByName(ops)
		revoked := h.must(http.StatusCreated, "POST", "/v1/api-keys", tn.Member.Key, map[string]string{"name": "soon revoked"})
		h.must(http.StatusNoContent, "DELETE", "/v1/api-keys/"+revoked.field(t, "id"), tn.Member.Key, nil)
		before := h.snapshot(tn)

		h.sub(t, "malformed bodies", func(t *testing.T) {
			for _, op := range ops {
				if op.JSONBody == nil {
					continue
				}
				for _, c := range malformedBodies {
					h.sub(t, op.String()+"/"+c.name, func(t *testing.T) {
						ct := c.contentType
						if ct == "" {
							ct = "application/json"
						}
						r := h.send(tn, byName, request{op: op.String(), body: c.body}, "Content-Type", ct)
						wantProblem(t, r, c.status, c.field)
					})
				}
			}
		})
		h.sub(t, "wrong types name the field", func(t *testing.T) {
			for _, op := range ops {
				for field, typ := range op.Properties() {
					h.sub(t, op.String()+"/"+field, func(t *testing.T) {
						bad, ok := wrongTypeValue[typ]
						if !ok {
							t.Fatalf("no wrong value for schema type %q", typ)
						}
						wantProblem(t, h.send(tn, byName, request{op.String(), map[string]any{field: bad}}), http.StatusBadRequest, field)
					})
				}
			}
		})
		h.sub(t, "idempotency keys", func(t *testing.T) {
			for _, op := range ops {
				if !op.Idempotent {
					continue
				}
				h.sub(t, op.String(), func(t *testing.T) {
					r := h.send(tn, byName, request{op.String(), oversizedJSON}, "Content-Type", "application/json", "Idempotency-Key", "big-body")
					wantProblem(t, r, http.StatusRequestEntityTooLarge, "")
					r = h.send(tn, byName, request{op.String(), map[string]any{}}, "Idempotency-Key", strings.Repeat("k", 256))
					wantProblem(t, r, http.StatusBadRequest, "Idempotency-Key")
					r = h.send(tn, byName, request{op.String(), map[string]any{}}, "Idempotency-Key", "cl\xe9")
					wantProblem(t, r, http.StatusBadRequest, "Idempotency-Key")
				})
			}
		})
		for _, c := range impossibleRequests {
			h.sub(t, c.name, func(t *testing.T) {
				wantProblem(t, h.send(tn, byName, c.request), http.StatusBadRequest, c.field)
			})
		}
		h.sub(t, "invalid e-mail addresses", func(t *testing.T) {
			for _, addr := range invalidEmails {
				for _, r := range []request{
					{"POST /v1/signup", map[string]string{"workspace_name": "W", "name": "Ann", "email": addr}},
					{"POST /v1/invitations", map[string]string{"email": addr}},
				} {
					h.sub(t, r.op+"/"+addr, func(t *testing.T) {
						wantProblem(t, h.send(tn, byName, r), http.StatusBadRequest, "email")
					})
				}
			}
		})

		h.badQueriesAndURLs(t, tn, ops)
		h.sub(t, "credentials", func(t *testing.T) { h.badCredentials(t, tn, revoked.field(t, "secret")) })
		h.sub(t, "logos", func(t *testing.T) { h.badLogos(t, tn) })

		h.sub(t, "nothing accepted is lost", func(t *testing.T) { sameSnapshot(t, before, h.snapshot(tn)) })
		h.sub(t, "the server keeps serving", func(t *testing.T) {
			h.must(http.StatusOK, "GET", "/healthz", "", nil)
			body := map[string]any{"key": "after_the_storm", "label": "Still here", "type": "text"}
			id := h.must(http.StatusCreated, "POST", "/v1/attributes", tn.Owner.Key, body).field(t, "id")
			if got := h.must(http.StatusOK, "GET", "/v1/attributes/"+id, tn.Owner.Key, nil); !bytes.Contains(got.Body, []byte("Still here")) {
				t.Fatalf("new attribute reads back as %s", got.Body)
			}
		})
	})
}

var invalidEmails = []string{
	"nope", "a@b", "x@y.com\r\nBcc: z@w.com", "<a@b.com>", "Ann <ann@example.com>",
	"ann@example.com, bob@example.com", "ann@@example.com", "ann@exa mple.com", "ann@example..com", "@example.com",
}

// impossibleRequests are well-formed JSON that a route must refuse, naming the field.
var impossibleRequests = []struct {
	name  string
	field string
	request
}{
	{"signup without a workspace name", "workspace_name", request{"POST /v1/signup", map[string]string{"workspace_name": "", "name": "Ann", "email": "ann@example.com"}}},
	{"signup with a blank name", "name", request{"POST /v1/signup", map[string]string{"workspace_name": "W", "name": "  ", "email": "ann@example.com"}}},
	{"signup without an e-mail", "email", request{"POST /v1/signup", map[string]string{"workspace_name": "W", "name": "Ann"}}},
	{"invitation without an e-mail", "email", request{"POST /v1/invitations", map[string]string{"role": "member"}}},
	{"invitation as owner", "role", request{"POST /v1/invitations", map[string]string{"email": "x@example.com", "role": "owner"}}},
	{"accept without a token", "token", request{"POST /v1/invitations/accept", map[string]string{"name": "Ann"}}},
	{"accept without a name", "name", request{"POST /v1/invitations/accept", map[string]string{"token": "inv_x", "name": ""}}},
	{"api key without a name", "name", request{"POST /v1/api-keys", map[string]string{"name": ""}}},
	{"attribute without a key", "key", request{"POST /v1/attributes", map[string]any{"label": "L", "type": "text"}}},
	{"attribute with a bad key", "key", request{"POST /v1/attributes", map[string]any{"key": "Bad Key", "label": "L", "type": "text"}}},
	{"attribute without a label", "label", request{"POST /v1/attributes", map[string]any{"key": "k", "label": " ", "type": "text"}}},
	{"attribute without a type", "type", request{"POST /v1/attributes", map[string]any{"key": "k", "label": "L"}}},
	{"select attribute without options", "options", request{"POST /v1/attributes", map[string]any{"key": "k", "label": "L", "type": "select"}}},
	{"attribute label with a NUL", "label", request{"POST /v1/attributes", map[string]any{"key": "k", "label": "a\x00b", "type": "text"}}},
	{"template without a name", "name", request{"POST /v1/email-templates", map[string]any{"kind": "reminder", "subject": "S", "body": "B"}}},
	{"template of no kind", "kind", request{"POST /v1/email-templates", map[string]any{"name": "N", "subject": "S", "body": "B"}}},
	{"template without a subject", "subject", request{"POST /v1/email-templates", map[string]any{"name": "N", "kind": "reminder", "body": "B"}}},
	{"template body that does not parse", "body", request{"POST /v1/email-templates", map[string]any{"name": "N", "kind": "reminder", "subject": "S", "body": "{{"}}},
	{"webhook without a url", "url", request{"POST /v1/webhooks", map[string]any{"events": []string{"*"}}}},
	{"webhook to a non-http url", "url", request{"POST /v1/webhooks", map[string]any{"url": "ftp://example.com/x", "events": []string{"*"}}}},
	{"webhook without events", "events", request{"POST /v1/webhooks", map[string]any{"url": "https://example.com/x", "events": []string{}}}},
	{"transfer without a member", "member_id", request{"POST /v1/workspace/transfer-ownership", map[string]string{"member_id": ""}}},
	{"transfer to a NUL", "member_id", request{"POST /v1/workspace/transfer-ownership", map[string]string{"member_id": "\x00"}}},
	{"company page without enabled", "enabled", request{"PUT /v1/workspace/company-page", map[string]any{}}},
	{"workspace renamed to nothing", "name", request{"PATCH /v1/workspace", map[string]any{"name": ""}}},
	{"workspace in no time zone", "timezone", request{"PATCH /v1/workspace", map[string]any{"timezone": "Mars/Olympus"}}},
	{"workspace description with a NUL", "description", request{"PATCH /v1/workspace", map[string]any{"description": "a\x00b"}}},
	{"settings with a named colour", "brand_color", request{"PATCH /v1/workspace/settings", map[string]any{"brand_color": "red"}}},
	{"settings with too many reminders", "reminder_offsets_minutes", request{"PATCH /v1/workspace/settings", map[string]any{"reminder_offsets_minutes": []int{1, 2, 3, 4, 5, 6}}}},
	{"profile renamed to nothing", "name", request{"PATCH /v1/me", map[string]any{"name": ""}}},
	{"attribute relabelled to nothing", "label", request{"PATCH /v1/attributes/{id}", map[string]any{"label": ""}}},
	{"template with an empty subject", "subject", request{"PATCH /v1/email-templates/{id}", map[string]any{"subject": ""}}},
	{"member given an unknown role", "role", request{"PATCH /v1/members/{id}", map[string]any{"role": "king"}}},
}
