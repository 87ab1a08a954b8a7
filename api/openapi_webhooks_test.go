package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/onairhq/onair/webhookevents"
)

// TestWebhookCatalogueDocumentedAndEnforced: the OpenAPI document describes
// every event of the catalogue with its payload, and endpoints subscribe only
// to events of the catalogue.
func TestWebhookCatalogueDocumentedAndEnforced(t *testing.T) {
	h := sqliteHarness(t)
	var doc struct {
		XWebhooks map[string]struct {
			Post struct {
				OperationID string `json:"operationId"`
				RequestBody struct {
					Content map[string]struct {
						Schema struct {
							Required   []string
							Properties struct {
								Data struct {
									Ref string `json:"$ref"`
								}
							}
						}
					}
				} `json:"requestBody"`
			}
		} `json:"x-webhooks"`
		Components struct {
			Schemas map[string]struct{ Properties map[string]any }
		}
	}
	h.must(http.StatusOK, "GET", "/openapi.json", "", nil).json(t, &doc)
	payload := func(typ string) map[string]any {
		body := doc.XWebhooks[typ].Post.RequestBody.Content["application/json"].Schema
		name, ok := strings.CutPrefix(body.Properties.Data.Ref, "#/components/schemas/Webhook")
		if !ok || len(body.Required) != 3 {
			t.Errorf("%s: body %+v", typ, body)
			return nil
		}
		return doc.Components.Schemas["Webhook"+name].Properties
	}
	for _, typ := range append(webhookevents.Types(), webhookevents.Test) {
		op, ok := doc.XWebhooks[typ]
		if !ok {
			t.Errorf("x-webhooks lacks %s", typ)
			continue
		}
		if len(payload(typ)) == 0 || !strings.HasSuffix(op.Post.OperationID, "Webhook") {
			t.Errorf("%s documented as %+v", typ, op.Post)
		}
	}
	if got := payload("registrant.created"); got["email"] == nil {
		t.Errorf("registrant.created data lacks email: %v", got)
	}

	owner := h.signup("Catalogue")
	r := h.must(http.StatusBadRequest, "POST", "/v1/webhooks", owner.Key, map[string]any{"url": "https://hooks.example.com/x", "events": []string{"registrant.flew"}})
	if !strings.Contains(string(r.Body), `"events"`) || !strings.Contains(string(r.Body), "attendance.summary") {
		t.Fatalf("an unknown event is refused without naming the field and the catalogue: %s", r.Body)
	}
	h.must(http.StatusCreated, "POST", "/v1/webhooks", owner.Key, map[string]any{"url": "https://hooks.example.com/x",
		"events": []string{"invoice.payment_failed", "import.finished", "poll.closed"}})
}
