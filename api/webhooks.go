package api

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/outbound"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/webhookevents"
)

type webhookRequest struct {
	URL         string   `json:"url" openapi:"required"`
	Events      []string `json:"events" openapi:"required"`
	Description string   `json:"description"`
}

// webhookUpdate changes the fields it names. Enabling a disabled endpoint
// sends it, in order, every event it missed.
type webhookUpdate struct {
	URL         *string   `json:"url"`
	Events      *[]string `json:"events"`
	Description *string   `json:"description"`
	Enabled     *bool     `json:"enabled"`
}

// webhookCreated shows the signing secret once, at creation.
type webhookCreated struct {
	store.WebhookEndpoint
	Secret string `json:"secret"`
}

const maxWebhooksPerWorkspace = 20

func (r *webhookRequest) validate() (err error) {
	if r.URL, err = required("url", r.URL, 2000); err != nil {
		return err
	}
	if r.Events, err = webhookEventList(r.Events); err != nil {
		return err
	}
	r.Description, err = optional("description", r.Description, 300)
	return err
}

func webhookEventList(events []string) ([]string, error) {
	if len(events) == 0 {
		return nil, badInput("events", `events lists at least one event, or "*" for all`)
	}
	for _, e := range events {
		if e != webhookevents.All && !webhookevents.Known(e) {
			return nil, badInput("events", "unknown event "+e+"; the events are "+strings.Join(webhookevents.Types(), ", ")+` or "*" for all`)
		}
	}
	return slices.Compact(slices.Sorted(slices.Values(events))), nil
}

// checkWebhookURL refuses a URL a delivery must not reach (outbound.Policy):
// 400 for what the URL itself shows (scheme, user name, an internal name or
// address), 422 when its name resolves to a refused address or to nothing at
// all, since an unresolvable name cannot be shown to be public.
func (s *webhooksAPI) checkWebhookURL(ctx context.Context, raw string) error {
	var refusal *outbound.RefusalError
	u, err := s.policy.CheckURL(raw)
	if errors.As(err, &refusal) {
		return badInput("url", "url "+refusal.Reason)
	}
	if err != nil {
		return err
	}
	if err := s.policy.CheckHost(ctx, u); errors.As(err, &refusal) {
		return unprocessable("url", "url "+refusal.Reason)
	} else if err != nil {
		return err
	}
	return nil
}

// Outbound webhooks are the first integration of the App Marketplace: the
// events of webhookevents, delivered by the webhook relay (workflows/webhook_relay.go).
func (s *webhooksAPI) webhookRoutes() {
	s.add(route{Method: http.MethodGet, Path: "/v1/webhooks", Tag: "integrations", Action: authz.IntegrationsOpen, Paged: true,
		Summary: "List outbound webhook endpoints", Response: store.WebhookEndpoint{}, Handler: listOf[store.WebhookEndpoint](s.base, nil)})
	s.add(route{Method: http.MethodPost, Path: "/v1/webhooks", Tag: "integrations", Action: authz.IntegrationsManage, Idempotent: true, SecretResponse: true,
		Summary: "Add an outbound webhook endpoint (the signing secret is shown once)",
		Request: webhookRequest{}, Response: webhookCreated{}, Status: http.StatusCreated, Handler: s.createWebhook})
	s.add(route{Method: http.MethodPatch, Path: "/v1/webhooks/:id", Tag: "integrations", Action: authz.IntegrationsManage,
		Summary: "Change an outbound webhook endpoint's URL, events or description, or disable or enable it (enabling sends what it missed)",
		Request: webhookUpdate{}, Response: store.WebhookEndpoint{}, Handler: s.updateWebhook})
	s.add(route{Method: http.MethodDelete, Path: "/v1/webhooks/:id", Tag: "integrations", Action: authz.IntegrationsManage,
		Summary: "Remove an outbound webhook endpoint", Status: http.StatusNoContent, Handler: s.deleteWebhook})
	s.deliveryRoutes()
}

func (s *webhooksAPI) createWebhook(c *gin.Context) {
	var req webhookRequest
	if err := decode(c, &req); err != nil {
		fail(c, err)
		return
	}
	p := caller(c)
	ctx := c.Request.Context()
	if err := s.checkWebhookURL(ctx, req.URL); err != nil {
		fail(c, err)
		return
	}
	n, err := store.Count[store.WebhookEndpoint](ctx, s.db, p.Workspace.ID)
	if err != nil {
		fail(c, err)
		return
	}
	if n >= maxWebhooksPerWorkspace {
		fail(c, unprocessable("url", "a workspace has at most 20 webhook endpoints"))
		return
	}
	w := &store.WebhookEndpoint{
		ID: store.NewID("wh"), WorkspaceID: p.Workspace.ID, URL: req.URL, Events: req.Events,
		Description: req.Description, Enabled: true, CreatedBy: p.Member.UserID, CreatedAt: store.Now(),
	}
	secret := s.keys.WebhookSecret(w.ID, w.SecretVersion)
	if err := store.Insert(ctx, s.db, w); err != nil {
		fail(c, err)
		return
	}
	auditObject(c, "webhook", w.ID)
	s.hooks.kick(c.Request.Context()) // the relay starts with the first endpoint, and sweeps from then on
	c.JSON(http.StatusCreated, webhookCreated{WebhookEndpoint: *w, Secret: secret})
}

func (s *webhooksAPI) updateWebhook(c *gin.Context) {
	var req webhookUpdate
	if err := decode(c, &req); err != nil {
		fail(c, err)
		return
	}
	ctx := c.Request.Context()
	w, err := store.Get[store.WebhookEndpoint](ctx, s.db, caller(c).Workspace.ID, c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	auditObject(c, "webhook", w.ID)
	if err := req.apply(w); err != nil {
		fail(c, err)
		return
	}
	if req.URL != nil {
		if err := s.checkWebhookURL(ctx, w.URL); err != nil {
			fail(c, err)
			return
		}
	}
	if err := store.Update(ctx, s.db, w, "url", "events", "description"); err != nil {
		fail(c, err)
		return
	}
	if req.Enabled != nil && *req.Enabled != w.Enabled {
		if err := store.SetWebhookEndpointEnabled(ctx, s.db, w, *req.Enabled); err != nil {
			fail(c, err)
			return
		}
		s.hooks.kick(c.Request.Context())
	}
	c.JSON(http.StatusOK, w)
}

// apply checks the fields the update names and writes them into w.
func (r *webhookUpdate) apply(w *store.WebhookEndpoint) (err error) {
	if r.URL != nil {
		if w.URL, err = required("url", *r.URL, 2000); err != nil {
			return err
		}
	}
	if r.Events != nil {
		if w.Events, err = webhookEventList(*r.Events); err != nil {
			return err
		}
	}
	if r.Description != nil {
		w.Description, err = optional("description", *r.Description, 300)
	}
	return err
}

func (s *webhooksAPI) deleteWebhook(c *gin.Context) {
	auditObject(c, "webhook", c.Param("id"))
	if err := store.DeleteWebhookEndpoint(c.Request.Context(), s.db, caller(c).Workspace.ID, c.Param("id")); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
