package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/extra/bunotel"
	"go.temporal.io/sdk/client"

	"github.com/onairhq/onair/activities"
	"github.com/onairhq/onair/api"
	"github.com/onairhq/onair/billing"
	"github.com/onairhq/onair/mail"
	"github.com/onairhq/onair/media/composite"
	"github.com/onairhq/onair/media/placement"
	"github.com/onairhq/onair/outbound"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/worker"
)

// services are what the long-running commands share: logs, the store, mail,
// metrics and a Temporal client.
type services struct {
	cfg      config
	log      *slog.Logger
	db       *bun.DB
	mail     mail.Sender
	reg      *prometheus.Registry
	temporal client.Client
	billing  billing.Provider
	webhooks outbound.Policy
	links    store.LinkKey
	// traces is the tracer provider, off unless OTEL_EXPORTER_OTLP_ENDPOINT is set.
	traces *telemetry
	// mediaTimeout is ONAIR_MEDIA_NODE_TIMEOUT: how old a media node's heartbeat may be.
	mediaTimeout time.Duration
	// roomShare is ONAIR_MEDIA_ROOM_SHARE: a node's share of one room's participants.
	roomShare int
}

// openServices connects everything for the process role (api, worker, dev); dev uses the
// SQLite default store and migrates it, production expects `onair migrate` to have run.
// With tracing on, the store, mail, billing, media control calls and Temporal are traced.
func openServices(ctx context.Context, cfg config, log *slog.Logger, role string) (*services, error) {
	dev := role == "dev"
	dsn, err := cfg.storeDSN(dev)
	if err != nil {
		return nil, err
	}
	webhooks, err := cfg.webhookPolicy()
	if err != nil {
		return nil, err
	}
	if webhooks.AllowPrivate {
		log.Warn("webhook endpoints may point at private and loopback addresses (ONAIR_WEBHOOKS_ALLOW_PRIVATE); development only")
	}
	links, err := linkKey(cfg, dev)
	if err != nil {
		return nil, err
	}
	roomShare, err := cfg.mediaRoomShare()
	if err != nil {
		return nil, err
	}
	mediaTimeout, err := cfg.mediaNodeTimeout()
	if err != nil {
		return nil, err
	}
	traces, err := startTelemetry(ctx, cfg.Telemetry, role, log)
	if err != nil {
		return nil, err
	}
	db, err := openStore(ctx, cfg, dsn, dev, log)
	if err != nil {
		traces.shutdown(log)
		return nil, err
	}
	tp := traces.provider()
	if tp != nil {
		db.AddQueryHook(bunotel.NewQueryHook(bunotel.WithTracerProvider(tp), bunotel.WithDBName("onair")))
	}
	s := &services{cfg: cfg, log: log, db: db, reg: newRegistry(), webhooks: webhooks, links: links, traces: traces,
		mediaTimeout: mediaTimeout, roomShare: roomShare}
	if s.mail, err = mail.New(cfg.SMTPURL, cfg.mailDir(), cfg.MailFrom); err != nil {
		s.close()
		return nil, fmt.Errorf("mail: %w", err)
	}
	s.mail = mail.Traced(s.mail, tp)
	s.billing = billing.Traced(newBillingProvider(cfg, db, log), tp)
	if s.temporal, err = dialTemporal(cfg, s.reg, log, tp); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

func (s *services) close() {
	if s.temporal != nil {
		s.temporal.Close()
	}
	_ = s.db.Close()
	s.traces.shutdown(s.log)
}

// startWorker registers every workflow and activity and starts polling.
func (s *services) startWorker() (func(), error) {
	acts := &activities.Activities{DB: s.db, Mail: s.mail, Log: s.log, Billing: s.billing, PublicURL: s.cfg.PublicURL, MailFrom: s.cfg.MailFrom,
		Webhooks: s.webhooks, Links: s.links}
	acts.Media = s.mediaNodes()
	w, err := worker.New(worker.Params{Client: s.temporal, Activities: acts})
	if err != nil {
		return nil, err
	}
	if err := w.Start(); err != nil {
		return nil, fmt.Errorf("start worker: %w", err)
	}
	if !s.cfg.Egress {
		return w.Stop, nil
	}
	if err := composite.Ready(); err != nil {
		w.Stop()
		return nil, fmt.Errorf("ONAIR_EGRESS is on but this machine cannot make replays: %w", err)
	}
	e, err := worker.NewEgress(worker.EgressParams{Client: s.temporal,
		Egress: &activities.Egress{RecordingsDir: s.cfg.RecordingsDir, DB: s.db, Log: s.log}})
	if err == nil {
		err = e.Start()
	}
	if err != nil {
		w.Stop()
		return nil, fmt.Errorf("start egress worker: %w", err)
	}
	s.log.Info("egress worker running", "recordings", s.cfg.RecordingsDir)
	return func() { e.Stop(); w.Stop() }, nil
}

func (s *services) api(limits api.RateLimits) *api.Server {
	return api.New(api.Params{Limits: limits,
		DB: s.db, Mail: s.mail, Log: s.log, BaseURL: s.cfg.PublicURL, Temporal: s.temporal, TaskQueue: worker.TaskQueue,
		Billing: s.billing, StripeWebhookSecret: s.cfg.StripeWebhookSecret,
		Metrics: s.reg, Gatherer: s.reg, Ready: temporalReady(s.temporal), TrustedProxies: s.cfg.TrustedProxies,
		MediaSecret: []byte(s.cfg.MediaSecret), Media: s.mediaNodes(),
		Webhooks: s.webhooks, LinkKey: s.links, TracerProvider: s.traces.provider(),
	})
}

// sweepInterval is how often the API deletes expired idempotency records.
const sweepInterval = 10 * time.Minute

// startSweep runs the API's sweep until ctx ends or the returned stop is called; stop waits
// for it, so the store is not closed under it.
func startSweep(ctx context.Context, srv *api.Server) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Sweep(ctx, sweepInterval)
	}()
	return func() { cancel(); <-done }
}

// mediaControlTimeout bounds one call to a media node's control API.
const mediaControlTimeout = 30 * time.Second

// mediaNodes reaches the media nodes registered in the store, for activities and the API; nil
// when no media secret is configured (then no node could verify a join token anyway).
func (s *services) mediaNodes() *placement.Nodes {
	if s.cfg.MediaSecret == "" {
		return nil
	}
	return placement.New(placement.Params{DB: s.db, Secret: []byte(s.cfg.MediaSecret),
		HTTP: s.traces.httpClient(mediaControlTimeout), HeartbeatTimeout: s.mediaTimeout, RoomShare: s.roomShare})
}

// newBillingProvider is Stripe when STRIPE_SECRET_KEY is set, else the local
// provider that keeps plans and invoices in the store.
func newBillingProvider(cfg config, db *bun.DB, log *slog.Logger) billing.Provider {
	if cfg.StripeSecretKey == "" {
		log.Info("billing: local provider (no STRIPE_SECRET_KEY)")
		return billing.NewLocal(db)
	}
	if cfg.StripeWebhookSecret == "" {
		log.Warn("billing: STRIPE_WEBHOOK_SECRET is not set; Stripe webhooks will be refused")
	}
	log.Info("billing: Stripe provider")
	return billing.NewStripe(billing.StripeParams{SecretKey: cfg.StripeSecretKey})
}
