package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/store"
)

// route is one endpoint: what it does, who may call it and its shapes. Every
// route is mounted through add, so the OpenAPI document lists exactly the
// routes that exist.
type route struct {
	Method, Path string // Gin path (":id" parameters)
	// ID is the OpenAPI operationId when the one derived from the method and path
	// (openapi_ops.go) would read badly.
	ID      string
	Summary string
	Tag     string
	// Action gates the route through authz; empty for public routes.
	Action authz.Action
	Public bool
	// Limit is how a public route is throttled (ratelimit_policies.go); authenticated
	// routes are all limited per API key.
	Limit limitPolicy
	// Idempotent creating POSTs honour the Idempotency-Key header.
	Idempotent bool
	Request    any // zero value of the JSON request body, or nil
	Response   any // zero value of the JSON response body, or nil
	Status     int // success status
	// Also are other success answers: a status and the zero value of its JSON body.
	Also  map[int]any
	Paged bool
	Query []param // the query parameters it reads besides cursor and limit
	// ExternalID marks an :id that is the payment provider's (a Stripe
	// invoice id), not one of ours: the handler checks its shape.
	ExternalID bool
	Raw        string   // non-JSON body media type (request for PUT, response for GET)
	RawAlt     []string // other media types of a Raw body (a JPEG logo, ?format=xlsx)
	Handler    gin.HandlerFunc

	// SecretResponse answers carry a secret shown once (an API key): it is never kept, and an
	// Idempotent retry answers 409 with the created object's id. Public routes are never
	// Idempotent: a stranger could repeat someone's request and key.
	SecretResponse bool
}

func (s *Server) add(r route) {
	if r.Status == 0 {
		r.Status = http.StatusOK
	}
	handlers := []gin.HandlerFunc{s.kickWebhooks}
	if r.Limit != unlimited {
		handlers = append(handlers, s.limits.handler(r.Limit))
	}
	if !r.Public {
		handlers = append(handlers, s.authenticate(), s.authorizeRoute(r.Action))
	}
	if strings.Contains(r.Path, "/:id") && !r.ExternalID {
		handlers = append(handlers, requireID)
	}
	if r.Idempotent {
		handlers = append(handlers, s.idempotency(r.SecretResponse))
	}
	handlers = append(handlers, r.Handler)
	s.engine.Handle(r.Method, r.Path, handlers...)
	s.routes = append(s.routes, r)
}

// requireID answers 404 for an :id no object can have, before any query sees it.
func requireID(c *gin.Context) {
	if !store.IsID(c.Param("id")) {
		writeProblem(c, notFound("resource"))
		return
	}
	c.Next()
}

// kickWebhooks lets the store flag a request that queued webhook events (in
// whichever store function reports the change) and, once the handler returned
// and its transaction committed, wakes the webhook relay.
func (s *Server) kickWebhooks(c *gin.Context) {
	ctx, queued := store.NoticeWebhookEvents(c.Request.Context())
	c.Request = c.Request.WithContext(ctx)
	c.Next()
	if queued.Load() {
		s.hooks.kick(c.Request.Context())
	}
}
