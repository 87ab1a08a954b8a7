package api

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/uptrace/bun"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/webhookevents"
)

// webhookRedeliverSince asks for every event since a time (RFC 3339) to be sent again.
type webhookRedeliverSince struct {
	Since string `json:"since" openapi:"required"`
}

// webhookRedelivered says how many deliveries a redelivery queued.
type webhookRedelivered struct {
	Queued int `json:"queued"`
}

// webhookSecretRotated shows an endpoint's new signing secret once; the
// previous one keeps signing beside it until PreviousSecretUntil.
type webhookSecretRotated struct {
	store.WebhookEndpoint
	Secret string `json:"secret"`
}

// webhookDeliveryStatuses filter GET …/deliveries.
var webhookDeliveryStatuses = []string{store.WebhookPending, store.WebhookDelivered, store.WebhookFailed}

func (s *webhooksAPI) deliveryRoutes() {
	s.add(route{Method: http.MethodGet, Path: "/v1/webhooks/:id/deliveries", Tag: "integrations", Action: authz.IntegrationsOpen, Paged: true,
		Summary:  "List an endpoint's deliveries, oldest first (status, attempts, response code, latency, next attempt); ?status= narrows",
		Query:    []param{{Name: "status", Description: "only the deliveries in this state", Enum: webhookDeliveryStatuses}},
		Response: store.WebhookDelivery{}, Handler: listOf[store.WebhookDelivery](s.base, s.deliveriesOf)})
	s.add(route{Method: http.MethodPost, Path: "/v1/webhooks/:id/deliveries/:delivery_id/redeliver", ID: "redeliverWebhookDelivery", Tag: "integrations", Action: authz.IntegrationsManage,
		Summary:  "Send the event of one delivery again, after the endpoint's queued ones",
		Response: store.WebhookDelivery{}, Status: http.StatusAccepted, Handler: s.redeliverOne})
	s.add(route{Method: http.MethodPost, Path: "/v1/webhooks/:id/redeliver", ID: "redeliverWebhookEvents", Tag: "integrations", Action: authz.IntegrationsManage,
		Summary: "Send again, in order, every event since a time that the endpoint subscribes to (at most 10,000)",
		Request: webhookRedeliverSince{}, Response: webhookRedelivered{}, Status: http.StatusAccepted, Handler: s.redeliverSince})
	s.add(route{Method: http.MethodPost, Path: "/v1/webhooks/:id/test", ID: "testWebhook", Tag: "integrations", Action: authz.IntegrationsManage,
		Summary:  "Send a webhook.test event to the endpoint",
		Response: store.WebhookDelivery{}, Status: http.StatusAccepted, Handler: s.testWebhook})
	s.add(route{Method: http.MethodPost, Path: "/v1/webhooks/:id/rotate-secret", ID: "rotateWebhookSecret", Tag: "integrations", Action: authz.IntegrationsManage, SecretResponse: true,
		Summary:  "Give the endpoint a new signing secret (shown once); deliveries carry signatures with both secrets for 24 hours",
		Response: webhookSecretRotated{}, Handler: s.rotateSecret})
}

// endpointOf loads the caller's endpoint named by :id.
func (s *webhooksAPI) endpointOf(c *gin.Context) (*store.WebhookEndpoint, error) {
	return store.Get[store.WebhookEndpoint](c.Request.Context(), s.db, caller(c).Workspace.ID, c.Param("id"))
}

// deliveriesOf narrows the deliveries to the endpoint of :id (404 when it is
// not the caller's) and to ?status= when given.
func (s *webhooksAPI) deliveriesOf(c *gin.Context) (func(*bun.SelectQuery) *bun.SelectQuery, error) {
	e, err := s.endpointOf(c)
	if err != nil {
		return nil, err
	}
	status := c.Query("status")
	if status != "" && !slices.Contains(webhookDeliveryStatuses, status) {
		return nil, badInput("status", "status must be one of "+strings.Join(webhookDeliveryStatuses, ", "))
	}
	return func(q *bun.SelectQuery) *bun.SelectQuery {
		q = q.Where("?TableAlias.endpoint_id = ?", e.ID)
		if status != "" {
			q = q.Where("?TableAlias.status = ?", status)
		}
		return q
	}, nil
}

func (s *webhooksAPI) redeliverOne(c *gin.Context) {
	e, err := s.endpointOf(c)
	if err != nil {
		fail(c, err)
		return
	}
	if !store.IsID(c.Param("delivery_id")) {
		fail(c, notFound("delivery"))
		return
	}
	auditObject(c, "webhook", e.ID)
	d, err := store.RedeliverWebhook(c.Request.Context(), s.db, e, c.Param("delivery_id"))
	if err != nil {
		fail(c, err)
		return
	}
	s.hooks.kick(c.Request.Context())
	c.JSON(http.StatusAccepted, d)
}

func (s *webhooksAPI) redeliverSince(c *gin.Context) {
	e, err := s.endpointOf(c)
	if err != nil {
		fail(c, err)
		return
	}
	var req webhookRedeliverSince
	if err := decode(c, &req); err != nil {
		fail(c, err)
		return
	}
	since, err := time.Parse(time.RFC3339, req.Since)
	if err != nil {
		fail(c, badInput("since", "since is required, a time like 2026-12-01T09:00:00Z"))
		return
	}
	if since.After(time.Now()) {
		fail(c, unprocessable("since", "since is in the future: no event happened after it yet"))
		return
	}
	auditObject(c, "webhook", e.ID)
	n, err := store.RedeliverWebhooksSince(c.Request.Context(), s.db, e, since)
	if err != nil {
		fail(c, err)
		return
	}
	s.hooks.kick(c.Request.Context())
	c.JSON(http.StatusAccepted, webhookRedelivered{Queued: n})
}

func (s *webhooksAPI) testWebhook(c *gin.Context) {
	e, err := s.endpointOf(c)
	if err != nil {
		fail(c, err)
		return
	}
	auditObject(c, "webhook", e.ID)
	d, err := store.QueueTestWebhook(c.Request.Context(), s.db, e)
	if err != nil {
		fail(c, err)
		return
	}
	s.hooks.kick(c.Request.Context())
	c.JSON(http.StatusAccepted, d)
}

func (s *webhooksAPI) rotateSecret(c *gin.Context) {
	e, err := s.endpointOf(c)
	if err != nil {
		fail(c, err)
		return
	}
	auditObject(c, "webhook", e.ID)
	if err := store.RotateWebhookSecret(c.Request.Context(), s.db, e, webhookevents.SecretOverlap); err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, webhookSecretRotated{WebhookEndpoint: *e, Secret: s.keys.WebhookSecret(e.ID, e.SecretVersion)})
}
