package api

import (
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/onairhq/onair/locale"
)

// param is a query parameter a route reads, declared on its literal so the document
// lists it.
type param struct {
	Name, Description string
	Enum              []string
}

// Query parameters several routes share.
var (
	sessionIDParam = param{Name: "session_id", Description: "only this session's"}
	eventIDParam   = param{Name: "event_id", Description: "only this event's"}
	searchParam    = param{Name: "q", Description: "searches e-mail addresses and names"}
	formatParam    = param{Name: "format", Description: "the file's format (csv by default)", Enum: []string{"csv", "xlsx"}}
	langParam      = param{Name: "lang", Description: "the page's language, over the browser's", Enum: locale.Supported()}
	pageParam      = param{Name: "page", Description: "later events: 2 for the second page (anything else shows the first)"}
	embedParam     = param{Name: "embed", Description: "1 inside the embedded form", Enum: []string{"1"}}
)

// Media types the API answers or takes besides JSON.
const (
	mediaCSV  = "text/csv"
	mediaXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	mediaHTML = "text/html"
	mediaForm = "application/x-www-form-urlencoded"
)

func (r route) operation(params []string, c *components) operation {
	op := operation{Summary: r.Summary, OperationID: r.operationID(), Action: string(r.Action), Responses: map[string]any{}}
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
			map[string]any{"name": "cursor", "in": "query", "description": "the next_cursor of the previous page", "schema": map[string]string{"type": "string"}},
			map[string]any{"name": "limit", "in": "query", "schema": map[string]any{"type": "integer", "minimum": 1, "maximum": 200}})
	}
	for _, q := range r.Query {
		schema := map[string]any{"type": "string"}
		if q.Enum != nil {
			schema["enum"] = q.Enum
		}
		op.Parameters = append(op.Parameters, map[string]any{"name": q.Name, "in": "query", "description": q.Description, "schema": schema})
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
		op.RequestBody = content("application/json", c.ref(reflect.TypeOf(r.Request), asRequest))
		op.RequestBody["required"] = true
	case r.Raw != "" && r.Method != http.MethodGet:
		media := map[string]any{}
		for _, m := range append([]string{r.Raw}, r.RawAlt...) {
			media[m] = map[string]any{"schema": rawSchema(m)}
		}
		op.RequestBody = map[string]any{"content": media, "required": true}
	}
	op.Responses[strconv.Itoa(r.Status)] = r.success(c)
	if strings.HasPrefix(r.Raw, "video/") {
		// Range requests seek: a part of the file answers 206.
		op.Responses[strconv.Itoa(http.StatusPartialContent)] = r.success(c)
	}
	for status, body := range r.Also {
		also := content("application/json", c.ref(reflect.TypeOf(body), asResponse))
		also["description"] = http.StatusText(status)
		op.Responses[strconv.Itoa(status)] = also
	}
	errors := r.errorStatuses()
	if r.Limit != unlimited || !r.Public {
		errors = append(errors, http.StatusTooManyRequests)
	}
	for _, status := range append(errors, 0) {
		key := strconv.Itoa(status)
		if status == 0 {
			key = "default"
		}
		op.Responses[key] = r.problemResponse(status, c)
	}
	return op
}

var binary = map[string]string{"type": "string", "format": "binary"}

// rawSchema describes a non-JSON body: a form's fields, or a file's bytes (the served
// OpenAPI document is JSON with no schema of its own).
func rawSchema(media string) any {
	switch media {
	case mediaForm, "application/json":
		return map[string]any{"type": "object", "additionalProperties": true}
	}
	return binary
}

// success describes the success answer: JSON of the route's Response (a page of them
// when Paged), or the Raw media types.
func (r route) success(c *components) map[string]any {
	ok := map[string]any{}
	switch {
	case r.Response != nil && r.Paged:
		ok = content("application/json", c.page(reflect.TypeOf(r.Response)))
	case r.Response != nil:
		ok = content("application/json", c.ref(reflect.TypeOf(r.Response), asResponse))
	case r.Raw != "" && r.Method == http.MethodGet:
		media := map[string]any{}
		for _, m := range append([]string{r.Raw}, r.RawAlt...) {
			media[m] = map[string]any{"schema": rawSchema(m)}
		}
		ok = map[string]any{"content": media}
	case r.Raw == mediaForm:
		ok = content(mediaHTML, binary) // a hosted page's form answers with a page
	}
	ok["description"] = http.StatusText(r.Status)
	if r.Status == http.StatusSeeOther {
		ok["headers"] = map[string]any{"Location": map[string]any{"schema": map[string]string{"type": "string"}}}
	}
	return ok
}

// page registers the list envelope of a type: {data: [T], next_cursor}.
func (c *components) page(t reflect.Type) map[string]any {
	item := c.ref(t, asResponse)
	ref, _ := item["$ref"].(string)
	name := ref[strings.LastIndex(ref, "/")+1:] + "Page"
	if _, done := c.schemas[name]; !done {
		c.schemas[name] = map[string]any{"type": "object", "required": []string{"data"}, "properties": map[string]any{
			"data":        map[string]any{"type": "array", "items": item},
			"next_cursor": map[string]any{"type": "string", "description": "absent on the last page"},
		}}
	}
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

var errorDescriptions = map[int]string{
	http.StatusBadRequest:            "invalid input: the problem's field names the bad one",
	http.StatusUnauthorized:          "no valid API key",
	http.StatusForbidden:             "the caller's role does not allow this: the problem's action names the permission",
	http.StatusNotFound:              "no such object in the caller's workspace",
	http.StatusConflict:              "the object's state does not allow this now, or an Idempotency-Key is in use",
	http.StatusRequestEntityTooLarge: "the body is too large",
	http.StatusUnsupportedMediaType:  "the body's media type is not the documented one",
	http.StatusUnprocessableEntity:   "the request is well formed but cannot be carried out",
	http.StatusTooManyRequests:       "rate limited (README, \"Rate limits\"); RateLimit-Limit, -Remaining and -Reset come with every answer of a limited route",
	0:                                "any other error",
}

// errorStatuses are the problems a route can answer, from what its literal says it does.
func (r route) errorStatuses() []int {
	var out []int
	takesBody := r.Request != nil || (r.Raw != "" && r.Method != http.MethodGet)
	if takesBody || r.Paged || len(r.Query) > 0 || r.Idempotent {
		out = append(out, http.StatusBadRequest)
	}
	if !r.Public {
		out = append(out, http.StatusUnauthorized, http.StatusForbidden)
	}
	if strings.Contains(r.Path, "/:") {
		out = append(out, http.StatusNotFound)
	}
	if r.Idempotent || (r.Method != http.MethodGet && !r.Public) {
		out = append(out, http.StatusConflict)
	}
	if takesBody {
		out = append(out, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType)
	}
	if r.Request != nil {
		out = append(out, http.StatusUnprocessableEntity)
	}
	return out
}

// problemResponse is an error answer: a problem document, shared by every operation in
// the document's components, or for a hosted page also the page saying what went wrong.
func (r route) problemResponse(status int, c *components) map[string]any {
	name := strings.ReplaceAll(http.StatusText(status), " ", "")
	if status == 0 {
		name = "Error"
	}
	if _, done := c.responses[name]; !done {
		res := content("application/problem+json", map[string]string{"$ref": "#/components/schemas/Problem"})
		res["description"] = errorDescriptions[status]
		if status == http.StatusTooManyRequests {
			integer := map[string]any{"schema": map[string]string{"type": "integer"}}
			res["headers"] = map[string]any{"Retry-After": integer, "RateLimit-Limit": integer, "RateLimit-Remaining": integer, "RateLimit-Reset": integer}
		}
		c.responses[name] = res
	}
	if r.Raw == "" || !r.Public {
		return map[string]any{"$ref": "#/components/responses/" + name}
	}
	// A public page or file answers an error as a page, or as the file server's text.
	page := content("application/problem+json", map[string]string{"$ref": "#/components/schemas/Problem"})
	page["content"].(map[string]any)[mediaHTML] = map[string]any{"schema": binary}
	page["content"].(map[string]any)["text/plain"] = map[string]any{"schema": binary}
	page["description"] = errorDescriptions[status] + "; a hosted page or file answers with a page or text saying it"
	return page
}

func content(mediaType string, schema any) map[string]any {
	return map[string]any{"content": map[string]any{mediaType: map[string]any{"schema": schema}}}
}

// operationID is the literal's ID, or one derived from the method and path that
// a client generator turns into a good method name: listEvents, createEvent,
// getEvent, updateEvent, deleteEvent, publishEvent, startSessionRecording,
// setBillingPlan, listWebhookDeliveries.
func (r route) operationID() string {
	if r.ID != "" {
		return r.ID
	}
	var nouns []string // the path's words, singular where an :id follows
	segments := strings.Split(strings.TrimPrefix(r.Path, "/v1"), "/")
	lastIsParam := false
	for i, seg := range segments {
		if seg == "" {
			continue
		}
		if lastIsParam = strings.HasPrefix(seg, ":"); lastIsParam {
			continue
		}
		if i+1 < len(segments) && strings.HasPrefix(segments[i+1], ":") {
			seg = singular(seg)
		}
		nouns = append(nouns, seg)
	}
	if len(nouns) == 0 {
		return strings.ToLower(r.Method)
	}
	last := nouns[len(nouns)-1]
	switch {
	case lastIsParam:
		return itemVerbs[r.Method] + camel(nouns...)
	case r.Method == http.MethodGet && r.Paged:
		return "list" + camel(nouns...)
	case r.Method == http.MethodPost && (r.Status == http.StatusCreated || r.Status == http.StatusAccepted):
		return "create" + camel(singular(last))
	case r.Method == http.MethodPost:
		// An action: its first word is the verb, the rest follows the object's name.
		words := strings.Split(last, "-")
		return words[0] + camel(append(slices.Clone(nouns[:len(nouns)-1]), words[1:]...)...)
	}
	return collectionVerbs[r.Method] + camel(nouns...)
}

var (
	itemVerbs       = map[string]string{http.MethodGet: "get", http.MethodPatch: "update", http.MethodPut: "replace", http.MethodDelete: "delete", http.MethodPost: "post", http.MethodOptions: "preflight"}
	collectionVerbs = map[string]string{http.MethodGet: "get", http.MethodPatch: "update", http.MethodPut: "set", http.MethodDelete: "delete", http.MethodOptions: "preflight"}
)

func singular(noun string) string {
	switch {
	case strings.HasSuffix(noun, "ies"):
		return strings.TrimSuffix(noun, "ies") + "y"
	case strings.HasSuffix(noun, "s") && !strings.HasSuffix(noun, "ss"):
		return strings.TrimSuffix(noun, "s")
	}
	return noun
}

// camel joins kebab-case words as PascalCase: "api-keys", "export" → "ApiKeysExport".
func camel(words ...string) string {
	var b strings.Builder
	for _, w := range words {
		for part := range strings.SplitSeq(strings.NewReplacer(".", "-", "_", "-").Replace(w), "-") {
			b.WriteString(exported(part))
		}
	}
	return b.String()
}
