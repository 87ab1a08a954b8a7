package api_test

import (
	"net/http"
	"sort"
	"strings"
)

// documentedOp is one operation of the served OpenAPI document. Tests that must
// cover every route enumerate these, so a new route is covered without editing
// the test.
type documentedOp struct {
	Method, Path string // Path as documented: "/v1/members/{id}"
	Public       bool   // the operation declares "security": []
	Paged        bool   // it takes ?cursor= and ?limit=
	Idempotent   bool   // it honours an Idempotency-Key header
	JSONBody     map[string]any
	RawBody      string // media type of a non-JSON request body
}

func (o documentedOp) String() string { return o.Method + " " + o.Path }

// HasID reports whether the path names an object by {id}.
func (o documentedOp) HasID() bool { return strings.Contains(o.Path, "{id}") }

// WithID is the path with {id} replaced.
func (o documentedOp) WithID(id string) string { return strings.ReplaceAll(o.Path, "{id}", id) }

// Properties are the request body's top-level JSON properties and their types.
func (o documentedOp) Properties() map[string]string {
	props, _ := o.JSONBody["properties"].(map[string]any)
	out := map[string]string{}
	for name, s := range props {
		typ, _ := s.(map[string]any)["type"].(string)
		out[name] = typ
	}
	return out
}

type openAPIOperation struct {
	Parameters []struct {
		Name string `json:"name"`
		In   string `json:"in"`
	} `json:"parameters"`
	RequestBody struct {
		Content map[string]struct {
			Schema map[string]any `json:"schema"`
		} `json:"content"`
	} `json:"requestBody"`
	Security *[]map[string][]string `json:"security"`
}

type openAPIDocument struct {
	OpenAPI string                                 `json:"openapi"`
	Paths   map[string]map[string]openAPIOperation `json:"paths"`
}

// openAPI fetches and decodes GET /openapi.json.
func (h *harness) openAPI() openAPIDocument {
	h.t.Helper()
	var doc openAPIDocument
	h.must(http.StatusOK, "GET", "/openapi.json", "", nil).json(h.t, &doc)
	return doc
}

// documentedOps lists the served document's operations in a stable order.
func (h *harness) documentedOps() []documentedOp {
	h.t.Helper()
	var ops []documentedOp
	for path, methods := range h.openAPI().Paths {
		for method, op := range methods {
			d := documentedOp{Method: strings.ToUpper(method), Path: path, Public: op.Security != nil && len(*op.Security) == 0}
			for _, p := range op.Parameters {
				switch {
				case p.In == "query" && p.Name == "cursor":
					d.Paged = true
				case p.In == "header" && p.Name == "Idempotency-Key":
					d.Idempotent = true
				}
			}
			for mediaType, c := range op.RequestBody.Content {
				if mediaType == "application/json" {
					d.JSONBody = c.Schema
				} else {
					d.RawBody = mediaType
				}
			}
			ops = append(ops, d)
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].String() < ops[j].String() })
	if len(ops) == 0 {
		h.t.Fatal("the OpenAPI document lists no operations")
	}
	return ops
}
