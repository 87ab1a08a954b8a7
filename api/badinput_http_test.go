package api_test

import (
	"bytes"
	"image"
	"image/png"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// badQueries are paging parameters every list refuses, naming the parameter.
var badQueries = []struct{ query, field string }{
	{"limit=0", "limit"}, {"limit=-1", "limit"}, {"limit=abc", "limit"}, {"limit=201", "limit"},
	{"limit=1.5", "limit"}, {"limit=%00", "limit"},
	{"cursor=%00", "cursor"}, {"cursor=%ff", "cursor"}, {"cursor=not-a-cursor", "cursor"},
	{"cursor=%27%20OR%201%3D1--", "cursor"}, {"cursor=" + strings.Repeat("z", 5000), "cursor"},
}

// badQueriesAndURLs covers what arrives in the URL: paging and search
// parameters, ids that cannot exist, unknown routes and wrong methods.
func (h *harness) badQueriesAndURLs(t *testing.T, tn tenant, ops []documentedOp) {
	h.sub(t, "paging parameters", func(t *testing.T) {
		for _, op := range ops {
			if !op.Paged {
				continue
			}
			path := op.Path
			if op.HasID() { // a list under an object: the endpoint's deliveries
				id, _ := tn.objectFor(op.Path)
				path = op.WithID(id)
			}
			for _, q := range badQueries {
				h.sub(t, op.Path+"?"+q.query[:min(len(q.query), 20)], func(t *testing.T) {
					wantProblem(t, h.call("GET", path+"?"+q.query, tn.Owner.Key, nil), http.StatusBadRequest, q.field)
				})
			}
		}
	})
	h.sub(t, "search parameters", func(t *testing.T) {
		for path, field := range map[string]string{
			"/v1/people?q=%00": "q", "/v1/people?q=%ff": "q", "/v1/people?q=" + strings.Repeat("a", 201): "q",
			"/v1/audit-log?action=%00": "action", "/v1/audit-log?action=%ff": "action", "/v1/audit-log?outcome=maybe": "outcome",
		} {
			wantProblem(t, h.call("GET", path, tn.Owner.Key, nil), http.StatusBadRequest, field)
		}
	})
	h.sub(t, "ids that cannot exist", func(t *testing.T) {
		for _, op := range ops {
			if !op.HasID() {
				continue
			}
			for _, id := range []string{"%00", "%ff", "nope", "mem_" + strings.Repeat("0", 24) + "x", strings.Repeat("a", 3000)} {
				var body any
				if op.JSONBody != nil {
					body = map[string]any{}
				}
				wantProblem(t, h.call(op.Method, op.WithID(id), tn.Owner.Key, body), http.StatusNotFound, "")
			}
		}
	})
	h.sub(t, "unknown routes", func(t *testing.T) {
		for _, path := range []string{"/v1/nope", "/v1", "/v2/members", "/v1/members/" + tn.Member.MemberID + "/extra", "/v1/workspace/%00"} {
			wantProblem(t, h.call("GET", path, tn.Owner.Key, nil), http.StatusNotFound, "")
		}
	})
	h.sub(t, "wrong methods", func(t *testing.T) {
		served := map[string][]string{}
		for _, op := range ops {
			served[op.Path] = append(served[op.Path], op.Method)
		}
		for path, methods := range served {
			for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
				if slices.Contains(methods, m) || routedElsewhere(ops, m, path) {
					continue
				}
				h.sub(t, m+" "+path, func(t *testing.T) {
					id, _ := tn.objectFor(path)
					r := h.call(m, strings.ReplaceAll(path, "{id}", id), tn.Owner.Key, nil)
					wantProblem(t, r, http.StatusMethodNotAllowed, "")
					for _, allowed := range methods {
						if !strings.Contains(r.Header.Get("Allow"), allowed) {
							t.Errorf("Allow %q does not list %s", r.Header.Get("Allow"), allowed)
						}
					}
				})
			}
		}
	})
}

// badCredentials are Authorization headers that must not authenticate.
func (h *harness) badCredentials(t *testing.T, tn tenant, revokedKey string) {
	for name, header := range map[string]string{
		"missing":         "",
		"empty bearer":    "Bearer ",
		"blank bearer":    "Bearer    ",
		"basic":           "Basic b3duZXI6c2VjcmV0",
		"other scheme":    "Token " + tn.Owner.Key,
		"unknown key":     "Bearer onair_" + strings.Repeat("x", 48),
		"garbled key":     "Bearer " + tn.Owner.Key + "x",
		"truncated key":   "Bearer " + tn.Owner.Key[:20],
		"non-ASCII bytes": "Bearer cl\xe9\xff",
		"revoked key":     "Bearer " + revokedKey,
	} {
		h.sub(t, name, func(t *testing.T) {
			for _, route := range [][2]string{{"GET", "/v1/workspace"}, {"POST", "/v1/attributes"}, {"DELETE", "/v1/members/" + tn.Member.MemberID}} {
				r := h.call(route[0], route[1], "", map[string]any{}, "Authorization", header)
				wantUnauthenticated(t, r)
			}
		})
	}
}

// badLogos are uploads the logo route refuses, whatever Content-Type they claim.
func (h *harness) badLogos(t *testing.T, tn tenant) {
	full := wideLogo(64)
	cases := []struct {
		name, contentType string
		body              []byte
		status            []int
	}{
		{"empty", "image/png", []byte{}, []int{http.StatusBadRequest}},
		{"a text file", "image/png", []byte("just some words\n"), []int{http.StatusUnsupportedMediaType}},
		{"an SVG", "image/svg+xml", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), []int{http.StatusUnsupportedMediaType}},
		{"a truncated PNG", "image/png", full[:len(full)/2], []int{http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity}},
		{"a PNG header only", "image/png", full[:33], []int{http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity}},
		{"a PNG wider than 2048 px", "image/png", wideLogo(2049), []int{http.StatusUnprocessableEntity}},
		{"over 1 MiB", "image/png", append(bytes.Clone(full), make([]byte, 1<<20)...), []int{http.StatusRequestEntityTooLarge}},
	}
	for _, c := range cases {
		h.sub(t, c.name, func(t *testing.T) {
			r := h.call("PUT", "/v1/workspace/logo", tn.Owner.Key, c.body, "Content-Type", c.contentType)
			if !slices.Contains(c.status, r.Status) {
				t.Fatalf("status %d, want one of %v: %s", r.Status, c.status, r.Body)
			}
			wantProblem(t, r, r.Status, "")
		})
	}
}

// wideLogo is a valid PNG w pixels wide and 1 high, with noise so it does not
// compress to almost nothing.
func wideLogo(w int) []byte {
	img := image.NewGray(image.Rect(0, 0, w, 1))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7919 % 251)
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}

// routedElsewhere reports whether method on the literal path is served by a
// templated route ("DELETE /v1/invitations/accept" is DELETE /v1/invitations/{id}).
func routedElsewhere(ops []documentedOp, method, path string) bool {
	want := strings.Split(path, "/")
	for _, op := range ops {
		got := strings.Split(op.Path, "/")
		if op.Method != method || !op.HasID() || len(got) != len(want) {
			continue
		}
		same := true
		for i := range got {
			same = same && (got[i] == want[i] || got[i] == "{id}")
		}
		if same {
			return true
		}
	}
	return false
}
