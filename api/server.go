// Package api is onair's HTTP API: a Gin router with one file per resource,
// API-key authentication, authz on every route, problem+json errors, cursor
// pagination, idempotent creating POSTs and a generated OpenAPI document. It owns
// the HTTP side only: SQL lives in store (composed with store.InTx), export file
// formats in tabular, workflows and their activities in workflows and activities.
// Each resource's handlers hang off a struct holding only the dependencies they use
// (handlers.go); the Temporal client, the payment provider and the media node's client
// are held only by the resources that call them.
package api

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/uptrace/bun"
	"go.opentelemetry.io/otel/trace"
	"go.temporal.io/sdk/client"

	"github.com/onairhq/onair/billing"
	"github.com/onairhq/onair/mail"
	"github.com/onairhq/onair/media/placement"
	"github.com/onairhq/onair/outbound"
	"github.com/onairhq/onair/store"
)

// Params are the API's dependencies, wired by main.
type Params struct {
	DB   *bun.DB
	Mail mail.Sender
	// Temporal starts and signals workflows; TaskQueue is where workers listen.
	Temporal  client.Client
	TaskQueue string
	Log       *slog.Logger
	BaseURL   string // public URL of the API, used in links sent by e-mail
	// Metrics receives the HTTP metrics; Gatherer serves /metrics (both default
	// to a fresh registry when nil).
	Metrics  prometheus.Registerer
	Gatherer prometheus.Gatherer
	// Ready reports extra readiness checks (e.g. Temporal) for /readyz.
	Ready func(context.Context) error
	// Billing is the payment provider (Stripe, or the local one offline);
	// StripeWebhookSecret verifies Stripe's webhooks (unset: the endpoint is off).
	Billing             billing.Provider
	StripeWebhookSecret string
	// DefaultPlan is given to new workspaces (billing.FreePlanID by default).
	DefaultPlan string
	// Limits sizes the rate limits (zero values: the defaults of the README's "Rate limits").
	Limits RateLimits
	// TrustedProxies are the addresses or CIDRs of load balancers whose
	// X-Forwarded-For names the client. None by default: anyone can send that
	// header, and trusting it would let a client dodge the throttle.
	TrustedProxies []string
	// MediaSecret signs live-room join tokens for the media nodes (unset, or Media nil: the
	// join routes answer 503).
	MediaSecret []byte
	// Webhooks says where webhook endpoints may point (public https targets
	// unless ONAIR_WEBHOOKS_ALLOW_PRIVATE); its Client is what deliveries use.
	Webhooks outbound.Policy
	// LinkKey derives and verifies the secrets of registrants' and speakers' personal links
	// (store/links.go); it must be the worker's, which renders them into e-mails. Empty, no
	// personal link verifies.
	LinkKey store.LinkKey
	// TracerProvider traces every request (otelgin) when set; nil, requests are not traced.
	TracerProvider trace.TracerProvider
	// Media reaches the registered media nodes (media/placement): join tokens name the node
	// a room is placed on, and the REC button, roles and replay streaming call that node.
	Media *placement.Nodes
}

// Server holds the routes, the shared middleware (authentication, authz, throttle,
// idempotency, problem mapping) and the resources' handler structs (handlers.go), each
// holding only the dependencies it uses: only the ones that start or signal workflows hold
// the Temporal client, only billing the payment provider, only recordings and roles what
// reaches the media node. The resources that need just the store (API keys, attributes,
// templates, people, audit, exports) stay Server methods over the shared base.
type Server struct {
	*base
	routes []route
	engine *gin.Engine
	limits *limiter
	// gatherer serves /metrics; readyCheck adds checks (Temporal) to /readyz.
	gatherer   prometheus.Gatherer
	readyCheck func(context.Context) error

	events        *eventsAPI
	workspace     *workspaceAPI
	billing       *billingAPI
	join          *joinAPI
	recordings    *recordingsAPI
	decks         *decksAPI
	roles         *rolesAPI
	registrations *registrationsAPI
	onboarding    *onboardingAPI
	webhooks      *webhooksAPI
	// hooks wakes the webhook relay after a request queued events (kickWebhooks).
	hooks *relayKicker
}

// New builds the router.
func New(p Params) *Server {
	if p.Log == nil {
		p.Log = slog.Default()
	}
	if p.Metrics == nil || p.Gatherer == nil {
		reg := prometheus.NewRegistry()
		p.Metrics, p.Gatherer = reg, reg
	}
	if p.Billing == nil {
		p.Billing = billing.NewLocal(p.DB)
	}
	if p.DefaultPlan == "" {
		p.DefaultPlan = billing.FreePlanID
	}
	gin.SetMode(gin.ReleaseMode)
	b := &base{db: p.DB, log: p.Log, site: newSite(p.BaseURL, p.LinkKey)}
	s := &Server{
		base: b, engine: gin.New(), limits: newLimiter(p.Limits),
		gatherer: p.Gatherer, readyCheck: p.Ready,
	}
	b.add = s.add
	s.wireHandlers(p)
	s.engine.HandleMethodNotAllowed = true
	if err := s.engine.SetTrustedProxies(p.TrustedProxies); err != nil {
		p.Log.Error("invalid trusted proxies; trusting none", "proxies", p.TrustedProxies, "err", err)
		_ = s.engine.SetTrustedProxies(nil)
	}
	// The span first, so the request id lands on it; the id before anything that logs or
	// writes a problem.
	if mw := tracingMiddleware(p.TracerProvider); mw != nil {
		s.engine.Use(mw)
	}
	s.engine.Use(requestIDs(trustedPrefixes(p.TrustedProxies)), s.recoverProblem(), s.logRequests(), newHTTPMetrics(p.Metrics).middleware())
	s.engine.NoRoute(func(c *gin.Context) { writeProblem(c, notFound("route "+c.Request.URL.Path)) })
	s.engine.NoMethod(func(c *gin.Context) {
		writeProblem(c, problem(http.StatusMethodNotAllowed, "method-not-allowed", "Method not allowed", c.Request.Method+" is not allowed here"))
	})
	s.register()
	return s
}

// Handler is the http.Handler to serve.
func (s *Server) Handler() http.Handler { return s.engine }

// register mounts every resource's routes.
func (s *Server) register() {
	s.operationalRoutes()
	s.siteRoutes()
	s.companyPageRoutes()
	s.onboarding.invitationPageRoutes()
	s.onboarding.signupVerifyPageRoutes()
	s.onboarding.signupRoutes()
	s.roles.meRoutes()
	s.apiKeyRoutes()
	s.workspace.workspaceRoutes()
	s.roles.memberRoutes()
	s.permissionRoutes()
	s.onboarding.invitationRoutes()
	s.attributeRoutes()
	s.templateRoutes()
	s.peopleRoutes()
	s.webhooks.webhookRoutes()
	s.events.eventRoutes()
	s.events.sessionRoutes()
	s.events.scheduleRoutes()
	s.roles.staffRoutes()
	s.registrations.registrantRoutes()
	s.registrations.registrantDeliveryRoutes()
	s.registrations.publicRegistrationRoutes()
	s.registrations.unsubscribeRoutes()

	s.registrations.eventPageRoutes()
	s.registrations.registeredPageRoutes()
	s.registrations.cancelPageRoutes()
	s.events.importRoutes()
	s.events.sessionInvitationRoutes()
	s.auditRoutes()
	s.billing.billingRoutes()
	s.join.joinRoutes()
	s.recordingRoutes()
	s.recordings.replayRoutes()
	s.decks.deckRoutes()
	s.exportRoutes()
	s.reportRoutes()
	s.openAPIRoute()
}
