package api

import (
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

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
		Summary: "This OpenAPI 3 document", Raw: "application/json", Handler: s.serveOpenAPI})
}

func (s *Server) serveOpenAPI(c *gin.Context) { c.JSON(http.StatusOK, s.openAPI()) }

func (s *Server) openAPI() openAPIDoc {
	doc := openAPIDoc{
		OpenAPI: "3.0.3",
		Info:    map[string]string{"title": "onair API", "version": "1", "description": "Open-source webinar platform API."},
		Paths:   map[string]map[string]operation{},
		Components: map[string]any{
			"securitySchemes": map[string]any{"apiKey": map[string]any{"type": "http", "scheme": "bearer"}},
			"schemas":         map[string]any{"Problem": schemaOf(reflect.TypeOf(Problem{}))},
		},
		Security:  []map[string][]string{{"apiKey": {}}},
		XWebhooks: webhooksDoc(),
	}
	for _, r := range s.routes {
		path, params := openAPIPath(r.Path)
		if doc.Paths[path] == nil {
			doc.Paths[path] = map[string]operation{}
		}
		doc.Paths[path][strings.ToLower(r.Method)] = r.operation(params)
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

func (r route) operation(params []string) operation {
	op := operation{
		Summary: r.Summary, OperationID: strings.ToLower(r.Method) + strings.NewReplacer("/", "_", ":", "", "-", "_", ".", "_").Replace(r.Path),
		Action: string(r.Action), Responses: map[string]any{},
	}
	if r.Tag != "" {
		op.Tags = []string{r.Tag}
	}
	if r.Public {
		op.Security = &[]map[string][]string{}
	}
	for _, p := range params {
		op.Parameters = append(op.Parameters, map[string]any{"name": p, "in": "path", "required": true, "schema": map[string]string{"type": "string"}})
	}
	if r.Paged {
		op.Parameters = append(op.Parameters,
			map[string]any{"name": "cursor", "in": "query", "schema": map[string]string{"type": "string"}},
			map[string]any{"name": "limit", "in": "query", "schema": map[string]any{"type": "integer", "minimum": 1, "maximum": 200}})
	}
	if r.Idempotent {
		key := map[string]any{"name": "Idempotency-Key", "in": "header", "schema": map[string]any{"type": "string", "maxLength": 255}}
		if r.SecretResponse {
			key["description"] = "a retry with the same key answers 409 (secret-shown-once) with the created object's created_id: the secret is shown once and never kept"
		}
		op.Parameters = append(op.Parameters, key)
	}
	switch {
	case r.Request != nil:
		op.RequestBody = content("application/json", schemaOf(reflect.TypeOf(r.Request)))
	case r.Raw != "" && r.Method != http.MethodGet:
		op.RequestBody = content(r.Raw, map[string]string{"type": "string", "format": "binary"})
	}
	ok := map[string]any{"description": "success"}
	switch {
	case r.Response != nil && r.Paged:
		ok = content("application/json", map[string]any{"type": "object", "properties": map[string]any{
			"data": map[string]any{"type": "array", "items": schemaOf(reflect.TypeOf(r.Response))}, "next_cursor": map[string]string{"type": "string"},
		}})
	case r.Response != nil:
		ok = content("application/json", schemaOf(reflect.TypeOf(r.Response)))
	case r.Raw != "" && r.Method == http.MethodGet:
		ok = content(r.Raw, map[string]string{"type": "string"})
	}
	ok["description"] = "success"
	op.Responses[strconv.Itoa(r.Status)] = ok
	problemRef := content("application/problem+json", map[string]string{"$ref": "#/components/schemas/Problem"})
	problemRef["description"] = "error"
	op.Responses["default"] = problemRef
	if r.Limit != unlimited || !r.Public {
		op.Responses["429"] = rateLimitedResponse()
	}
	return op
}

// rateLimitedResponse documents a 429 and the RateLimit headers every limited route sends.
func rateLimitedResponse() map[string]any {
	r := content("application/problem+json", map[string]string{"$ref": "#/components/schemas/Problem"})
	r["description"] = "rate limited (README, \"Rate limits\"); RateLimit-Limit, -Remaining and -Reset come with every answer of a limited route"
	integer := map[string]any{"schema": map[string]string{"type": "integer"}}
	r["headers"] = map[string]any{"Retry-After": integer, "RateLimit-Limit": integer, "RateLimit-Remaining": integer, "RateLimit-Reset": integer}
	return r
}

func content(mediaType string, schema any) map[string]any {
	return map[string]any{"content": map[string]any{mediaType: map[string]any{"schema": schema}}}
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

var timeType = reflect.TypeOf(time.Time{})

// enumerated is a request type whose values are a closed list, shown as the schema's enum.
type enumerated interface{ Enum() []string }

var enumeratedType = reflect.TypeOf((*enumerated)(nil)).Elem()

// schemaOf describes a Go type as a JSON schema, following its json tags.
func schemaOf(t reflect.Type) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == timeType {
		return map[string]any{"type": "string", "format": "date-time"}
	}
	if t.Implements(enumeratedType) {
		return map[string]any{"type": "string", "enum": reflect.Zero(t).Interface().(enumerated).Enum()}
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int32, reflect.Int64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string", "format": "byte"}
		}
		return map[string]any{"type": "array", "items": schemaOf(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem())}
	case reflect.Struct:
		props := map[string]any{}
		addFields(t, props)
		return map[string]any{"type": "object", "properties": props}
	}
	return map[string]any{}
}

func addFields(t reflect.Type, props map[string]any) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				addFields(ft, props)
			}
			continue
		}
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		props[name] = schemaOf(f.Type)
	}
}
