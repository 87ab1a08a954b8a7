package api

import (
	"log/slog"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/billing"
	"github.com/onairhq/onair/decks"
	"github.com/onairhq/onair/liveroles"
	"github.com/onairhq/onair/mail"
	"github.com/onairhq/onair/media/placement"
	"github.com/onairhq/onair/outbound"
	"github.com/onairhq/onair/store"
)

// base is what every handler shares: the store, the log, the authz and audit helpers
// (check, audit, checkOwned), the way to mount a route (the Server's add, so every
// route still reaches the OpenAPI document) and the way to draw a hosted page (site.go).
type base struct {
	db   *bun.DB
	log  *slog.Logger
	add  func(route)
	site *site // the hosted pages' base URL and form signer (site.go)
}

// eventsAPI serves events, sessions, session invitations and registrant imports: the
// resources whose writes start, update or stop workflows.
type eventsAPI struct {
	*base
	lifecycle *lifecycle
	relay     *relayKicker
	baseURL   string
}

// workspaceAPI serves the workspace profile, settings and logo; its deletion stops the
// sessions' workflows and starts the erasing one.
type workspaceAPI struct {
	*base
	lifecycle *lifecycle
}

// billingAPI serves plans, seats, invoices and the payment provider's webhook; plan
// changes go through the workspace's subscription workflow.
type billingAPI struct {
	*base
	provider      billing.Provider
	lifecycle     *lifecycle
	baseURL       string
	webhookSecret string
}

// joinAPI issues live-room join tokens for the media node, opens personal join links and takes
// the room's host controls from the media node.
type joinAPI struct {
	*base
	linkKey     store.LinkKey
	media       *placement.Nodes
	mediaSecret []byte
	baseURL     string
	lifecycle   *lifecycle // the room's host controls (room_host.go)
}

// recordingsAPI drives the media node: the REC button and replay streaming.
type recordingsAPI struct {
	*base
	media   *placement.Nodes
	linkKey store.LinkKey
}

// decksAPI serves sessions' slide decks, drawn by renderer.
type decksAPI struct {
	*base
	renderer *decks.Renderer
}

// rolesAPI serves who holds which role, the team (me, members) and sessions' staff;
// changes are pushed to the live rooms and staff invitations wake the delivery relay.
type rolesAPI struct {
	*base
	liveRoles *liveroles.Pusher
	relay     *relayKicker
}

// registrationsAPI serves registrants and the public registration pages; personal links
// are checked with linkKey and confirmations wake the delivery relay.
type registrationsAPI struct {
	*base
	relay   *relayKicker
	linkKey store.LinkKey
	recent  recentSessions // public registration's copies of sessions (registration_burst.go)
}

// onboardingAPI serves sign-up and team invitations: the two that send e-mail at once.
type onboardingAPI struct {
	*base
	mail        mail.Sender
	baseURL     string
	defaultPlan string
}

// webhooksAPI serves the outbound webhook endpoints, checked against policy.
type webhooksAPI struct {
	*base
	policy outbound.Policy
	keys   store.LinkKey // derives the endpoints' signing secrets
	hooks  *relayKicker  // wakes the webhook relay
}

// wireHandlers builds the resources' handler structs, each with only what it uses.
func (s *Server) wireHandlers(p Params) {
	relay := newRelayKicker(p.Temporal, p.TaskQueue, p.Log)
	lc := &lifecycle{client: p.Temporal, queue: p.TaskQueue, log: p.Log}
	s.events = &eventsAPI{base: s.base, lifecycle: lc, relay: relay, baseURL: p.BaseURL}
	s.workspace = &workspaceAPI{base: s.base, lifecycle: lc}
	s.billing = &billingAPI{base: s.base, provider: p.Billing, lifecycle: lc, baseURL: p.BaseURL, webhookSecret: p.StripeWebhookSecret}
	s.join = &joinAPI{base: s.base, linkKey: p.LinkKey, media: p.Media, mediaSecret: p.MediaSecret, baseURL: p.BaseURL, lifecycle: lc}
	s.recordings = &recordingsAPI{base: s.base, media: p.Media, linkKey: p.LinkKey}
	s.decks = &decksAPI{base: s.base, renderer: decks.NewRenderer(decks.DefaultLimits)}
	s.roles = &rolesAPI{base: s.base, liveRoles: liveroles.New(p.DB, p.Media, p.Log), relay: relay}
	s.registrations = &registrationsAPI{base: s.base, relay: relay, linkKey: p.LinkKey}
	s.onboarding = &onboardingAPI{base: s.base, mail: p.Mail, baseURL: p.BaseURL, defaultPlan: p.DefaultPlan}
	s.hooks = newWebhookKicker(p.Temporal, p.TaskQueue, p.Log)
	s.webhooks = &webhooksAPI{base: s.base, policy: p.Webhooks, keys: p.LinkKey, hooks: s.hooks}
}
