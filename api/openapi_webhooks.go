package api

import (
	"reflect"
	"strings"

	"github.com/onairhq/onair/webhookevents"
)

// webhooksDoc describes every event of the catalogue as the request onair
// sends to an endpoint: the Standard Webhooks headers and the envelope whose
// data is the event's payload, a component named Webhook and its Go type's
// name (WebhookRegistrant for webhookevents.Registrant). It runs after the
// routes, so the API's own types keep their plain names.
func webhooksDoc(c *components) map[string]map[string]operation {
	headers := []map[string]any{
		{"name": "webhook-id", "in": "header", "required": true, "description": "the event's id, the same on every retry: de-duplicate by it",
			"schema": map[string]string{"type": "string"}},
		{"name": "webhook-timestamp", "in": "header", "required": true, "description": "when this attempt was signed, in Unix seconds",
			"schema": map[string]string{"type": "integer"}},
		{"name": "webhook-signature", "in": "header", "required": true,
			"description": "space-separated v1,<base64 HMAC-SHA256 of id.timestamp.body> under the whsec_ secret's key; two during the 24 h after a rotation",
			"schema":      map[string]string{"type": "string"}},
	}
	out := map[string]map[string]operation{}
	for _, e := range append(webhookevents.Catalogue, webhookevents.Entry{Type: webhookevents.Test,
		Summary: "A test event, sent by POST /v1/webhooks/{id}/test to that endpoint only.", Data: webhookevents.TestData{}}) {
		data := c.webhookPayload(reflect.TypeOf(e.Data))
		body := map[string]any{"type": "object", "required": []string{"type", "timestamp", "data"}, "properties": map[string]any{
			"type":      map[string]any{"type": "string", "enum": []string{e.Type}},
			"timestamp": map[string]string{"type": "string", "format": "date-time"},
			"data":      data,
		}}
		out[e.Type] = map[string]operation{"post": {
			Summary: e.Summary, Tags: []string{"webhooks"}, OperationID: webhookOperationID(e.Type), Parameters: headers,
			RequestBody: content("application/json", body),
			Responses: map[string]any{"2XX": map[string]string{"description": "received; any other answer (or none within 10 s) is retried " +
				"with exponential backoff for 3 days, after which the endpoint is disabled"}},
		}}
	}
	return out
}

// webhookOperationID names an event's operation: registrant.created → registrantCreatedWebhook.
func webhookOperationID(typ string) string {
	var b strings.Builder
	for i, part := range strings.FieldsFunc(typ, func(r rune) bool { return r == '.' || r == '_' }) {
		if i > 0 {
			part = strings.ToUpper(part[:1]) + part[1:]
		}
		b.WriteString(part)
	}
	return b.String() + "Webhook"
}

// webhookPayload registers a payload type of the catalogue under its
// Webhook-prefixed name and refers to it.
func (c *components) webhookPayload(t reflect.Type) map[string]any {
	key := typeRole{t, asResponse}
	name, ok := c.names[key]
	if !ok {
		name = "Webhook" + t.Name()
		c.names[key], c.owner[name] = name, key
		c.schemas[name] = map[string]any{}
		c.schemas[name] = c.structSchema(t, asResponse)
	}
	return map[string]any{"$ref": "#/components/schemas/" + name}
}
