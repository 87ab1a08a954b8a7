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
							Properties struct {
								Data struct {
									Title      string
									Properties map[string]any
								}
							}
						}
					}
				} `json:"requestBody"`
			}
		} `json:"x-webhooks"`
	}
	h.must(http.StatusOK, "GET", "/openapi.json", "", nil).json(t, &doc)
	for _, typ := range append(webhookevents.Types(), webhookevents.Test) {
		op, ok := doc.XWebhooks[typ]
		if !ok {
			t.Errorf("x-webhooks lacks %s", typ)
			continue
		}
		data := op.Post.RequestBody.Content["application/json"].Schema.Properties.Data
		if data.Title == "" || len(data.Properties) == 0 || !strings.HasSuffix(op.Post.OperationID, "Webhook") {
			t.Errorf("%s documented as %+v", typ, op.Post)
		}
	}
	if got := doc.XWebhooks["registrant.created"].Post.RequestBody.Content["application/json"].Schema.Properties.Data.Properties; got["email"] == nil {
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
