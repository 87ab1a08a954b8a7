package api

import (
	"log/slog"

	"github.com/uptrace/bun"
	"go.temporal.io/sdk/client"

	"github.com/onairhq/onair/billing"
	"github.com/onairhq/onair/media/mediactl"
	"github.com/onairhq/onair/store"
)

// base is what every handler shares: the store, the log, the authz and audit helpers
// (check, audit, checkOwned) and the way to mount a route (the Server's add, so every
// route still reaches the OpenAPI document).
type base struct {
	db  *bun.DB
	log *slog.Logger
	add func(route)
}

// lifecycle is the API's side of Temporal: the client and the task queue the workers
// listen on, with the session workflow's operations (session_workflow.go).
type lifecycle struct {
	client client.Client
	queue  string
	log    *slog.Logger
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

// joinAPI issues live-room join tokens for the media node and opens personal join links.
type joinAPI struct {
	*base
	linkKey     store.LinkKey
	mediaURL    string
	mediaSecret []byte
	baseURL     string
}

// recordingsAPI drives the media node: the REC button and replay streaming.
type recordingsAPI struct {
	*base
	media   *mediactl.Client
	linkKey store.LinkKey
}

// wireHandlers builds the resources' handler structs, each with only what it uses.
func (s *Server) wireHandlers(p Params) {
	lc := &lifecycle{client: p.Temporal, queue: p.TaskQueue, log: p.Log}
	s.events = &eventsAPI{base: s.base, lifecycle: lc, relay: s.relay, baseURL: p.BaseURL}
	s.workspace = &workspaceAPI{base: s.base, lifecycle: lc}
	s.billing = &billingAPI{base: s.base, provider: p.Billing, lifecycle: lc, baseURL: p.BaseURL, webhookSecret: p.StripeWebhookSecret}
	s.join = &joinAPI{base: s.base, linkKey: p.LinkKey, mediaURL: p.MediaURL, mediaSecret: p.MediaSecret, baseURL: p.BaseURL}
	s.recordings = &recordingsAPI{base: s.base, media: p.Media, linkKey: p.LinkKey}
}
