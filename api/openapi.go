package api

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"

	"github.com/gin-gonic/gin"
)

// The OpenAPI 3 document is generated from the route table, so it cannot list a
// route that does not exist or miss one mounted through add.

type openAPIDoc struct {
	OpenAPI    string                          `json:"openapi"`
	Info       map[string]string               `json:"info"`
	Paths      map[string]map[string]operation `json:"paths"`
	Components map[string]any                  `json:"components"`
	Security   []map[string][]string           `json:"security"`
	// XWebhooks documents the outbound webhook events (openapi_webhooks.go), in the
	// shape of OpenAPI 3.1's webhooks, which 3.0 names only as an extension.
	XWebhooks map[string]map[string]operation `json:"x-webhooks"`
}

type operation struct {
	Summary     string           `json:"summary"`
	Tags        []string         `json:"tags,omitempty"`
	OperationID string           `json:"operationId"`
	Parameters  []map[string]any `json:"parameters,omitempty"`
	RequestBody map[string]any   `json:"requestBody,omitempty"`
	Responses   map[string]any   `json:"responses"`
	// Security is set (to an empty list) only on public operations; a nil
	// slice would vanish under omitempty and leave them under the global apiKey.
	Security *[]map[string][]string `json:"security,omitempty"`
	Action   string                 `json:"x-onair-action,omitempty"`
}

func (s *Server) openAPIRoute() {
	s.add(route{Method: http.MethodGet, Path: "/openapi.json", Tag: "operations", Public: true,
		ID: "getOpenAPI", Summary: "This OpenAPI 3 document", Raw: "application/json", Handler: s.serveOpenAPI})
}

func (s *Server) serveOpenAPI(c *gin.Context) { c.JSON(http.StatusOK, s.openAPI()) }

func (s *Server) openAPI() openAPIDoc {
	doc := openAPIDoc{
		OpenAPI:  "3.0.3",
		Info:     map[string]string{"title": "onair API", "version": "1", "description": "Open-source webinar platform API."},
		Paths:    map[string]map[string]operation{},
		Security: []map[string][]string{{"apiKey": {}}},
	}
	c := newComponents()
	c.ref(reflect.TypeOf(Problem{}), asResponse)
	for _, r := range s.routes {
		path, params := openAPIPath(r.Path)
		if doc.Paths[path] == nil {
			doc.Paths[path] = map[string]operation{}
		}
		doc.Paths[path][strings.ToLower(r.Method)] = r.operation(params, c)
	}
	doc.XWebhooks = webhooksDoc(c)
	doc.Components = map[string]any{
		"securitySchemes": map[string]any{"apiKey": map[string]any{"type": "http", "scheme": "bearer"}},
		"schemas":         c.schemas,
		"responses":       c.responses,
	}
	return doc
}

// OpenAPIPaths lists "METHOD /path" for every documented operation (Gin syntax).
func (s *Server) OpenAPIPaths() []string {
	var out []string
	for path, ops := range s.openAPI().Paths {
		for method := range ops {
			out = append(out, strings.ToUpper(method)+" "+ginPath(path))
		}
	}
	return out
}

// Routes lists "METHOD /path" for every route the Gin engine serves, so tests
// can hold OpenAPIPaths to it.
func (s *Server) Routes() []string {
	var out []string
	for _, r := range s.engine.Routes() {
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}

// openAPIPath turns "/v1/members/:id" into "/v1/members/{id}" and its parameter names.
func openAPIPath(p string) (string, []string) {
	parts := strings.Split(p, "/")
	var params []string
	for i, part := range parts {
		if name, ok := strings.CutPrefix(part, ":"); ok {
			params = append(params, name)
			parts[i] = "{" + name + "}"
		}
	}
	return strings.Join(parts, "/"), params
}

func ginPath(p string) string {
	return strings.NewReplacer("{", ":", "}", "").Replace(p)
}

// OpenAPIDocument is the document as served, indented, for the generated client's copy.
func (s *Server) OpenAPIDocument() ([]byte, error) {
	return json.MarshalIndent(s.openAPI(), "", "  ")
}
