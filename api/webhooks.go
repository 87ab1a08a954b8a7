package api

import (
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/store"
)

type webhookRequest struct {
	URL         string   `json:"url"`
	Events      []string `json:"events"`
	Description string   `json:"description"`
}

// webhookCreated shows the signing secret once, at creation.
type webhookCreated struct {
	store.WebhookEndpoint
	Secret string `json:"secret"`
}

// webhookEvents are the events an endpoint can subscribe to ("*" for all).
var webhookEvents = []string{
	"*", "registrant.created", "registrant.updated", "session.scheduled", "session.started",
	"session.ended", "session.cancelled", "recording.ready", "member.joined",
}

const maxWebhooksPerWorkspace = 20

func (r *webhookRequest) validate() (err error) {
	if r.URL, err = required("url", r.URL, 2000); err != nil {
		return err
	}
	if !isHTTPURL(r.URL) {
		return badInput("url", "url must be an absolute http(s) URL")
	}
	if len(r.Events) == 0 {
		return badInput("events", `events lists at least one event, or "*" for all`)
	}
	for _, e := range r.Events {
		if !slices.Contains(webhookEvents, e) {
			return badInput("events", "unknown event "+e)
		}
	}
	r.Events = slices.Compact(slices.Sorted(slices.Values(r.Events)))
	r.Description, err = optional("description", r.Description, 300)
	return err
}

// Outbound webhooks are the first integration of the App Marketplace; they are
// stored now and delivered by a later issue.
func (s *Server) webhookRoutes() {
	s.add(route{Method: http.MethodGet, Path: "/v1/webhooks", Tag: "integrations", Action: authz.IntegrationsOpen, Paged: true,
		Summary: "List outbound webhook endpoints", Response: store.WebhookEndpoint{}, Handler: listOf[store.WebhookEndpoint](s, nil)})
	s.add(route{Method: http.MethodPost, Path: "/v1/webhooks", Tag: "integrations", Action: authz.IntegrationsManage, Idempotent: true, SecretResponse: true,
		Summary: "Add an outbound webhook endpoint (the signing secret is shown once)",
		Request: webhookRequest{}, Response: webhookCreated{}, Status: http.StatusCreated, Handler: s.createWebhook})
	s.add(route{Method: http.MethodDelete, Path: "/v1/webhooks/:id", Tag: "integrations", Action: authz.IntegrationsManage,
		Summary: "Remove an outbound webhook endpoint", Status: http.StatusNoContent, Handler: s.deleteWebhook})
}

func (s *Server) createWebhook(c *gin.Context) {
	var req webhookRequest
	if err := decode(c, &req); err != nil {
		fail(c, err)
		return
	}
	p := caller(c)
	ctx := c.Request.Context()
	n, err := store.Count[store.WebhookEndpoint](ctx, s.p.DB, p.Workspace.ID)
	if err != nil {
		fail(c, err)
		return
	}
	if n >= maxWebhooksPerWorkspace {
		fail(c, unprocessable("url", "a workspace has at most 20 webhook endpoints"))
		return
	}
	secret := "whsec_" + store.NewSecret(24)
	w := &store.WebhookEndpoint{
		ID: store.NewID("wh"), WorkspaceID: p.Workspace.ID, URL: req.URL, Events: req.Events,
		Description: req.Description, Secret: secret, CreatedBy: p.Member.UserID, CreatedAt: store.Now(),
	}
	if err := store.Insert(ctx, s.p.DB, w); err != nil {
		fail(c, err)
		return
	}
	auditObject(c, "webhook", w.ID)
	c.JSON(http.StatusCreated, webhookCreated{WebhookEndpoint: *w, Secret: secret})
}

func (s *Server) deleteWebhook(c *gin.Context) {
	auditObject(c, "webhook", c.Param("id"))
	if err := store.Delete[store.WebhookEndpoint](c.Request.Context(), s.p.DB, caller(c).Workspace.ID, c.Param("id")); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
