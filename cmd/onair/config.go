package main

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/onairhq/onair/api"
	"github.com/onairhq/onair/outbound"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/tracing"
)

// config is every setting onair reads, from environment variables with
// defaults; the README's configuration table lists the same names.
type config struct {
	HTTPAddr          string // ONAIR_HTTP_ADDR
	PublicURL         string // ONAIR_PUBLIC_URL
	APIURL            string // ONAIR_API_URL: where a media node reaches the API (host controls); default PublicURL
	DataDir           string // ONAIR_DATA_DIR
	DatabaseURL       string // DATABASE_URL
	DBMaxConns        string // ONAIR_DB_MAX_CONNS: the Postgres pool size (storePool)
	TemporalAddress   string // TEMPORAL_ADDRESS
	TemporalNamespace string // TEMPORAL_NAMESPACE
	UIAddr            string // ONAIR_UI_ADDR (dev only)
	MetricsAddr       string // ONAIR_METRICS_ADDR (worker only)
	SMTPURL           string // SMTP_URL
	MailFrom          string // ONAIR_MAIL_FROM
	LogLevel          string // ONAIR_LOG_LEVEL
	LogFormat         string // ONAIR_LOG_FORMAT
	// TrustedProxies are load balancers whose X-Forwarded-For is believed
	// (ONAIR_TRUSTED_PROXIES, comma-separated addresses or CIDRs).
	TrustedProxies []string
	// RateLimits overrides the API's rate limits by name (ONAIR_RATE_LIMITS, e.g.
	// "api_key=1200/200,registration=240/300": a minute's tokens/burst; README, "Rate limits").
	RateLimits string

	// StripeSecretKey selects the Stripe provider; without it billing runs on
	// the local provider (offline `onair dev`). StripeWebhookSecret verifies
	// Stripe's webhooks.
	StripeSecretKey     string // STRIPE_SECRET_KEY
	StripeWebhookSecret string // STRIPE_WEBHOOK_SECRET

	// The media service (live rooms): where it listens, the URL browsers reach
	// it at (put in join tokens), the secret shared by the API (signing join
	// tokens) and the media service (verifying them; its control API key is
	// derived from it), and extra browser origins allowed to open its WebSocket.
	MediaAddr string // ONAIR_MEDIA_ADDR
	// ONAIR_MEDIA_URL: where browsers reach this media node; it registers itself in the store
	// under this URL, and the API puts the URL of a room's node in join tokens.
	MediaURL string
	// ONAIR_MEDIA_CONTROL_URL: where api and worker reach this node's control API when browsers
	// use another address (a private network); unset, MediaURL.
	MediaControlURL string
	// The node's registration (media/placement): ONAIR_MEDIA_NODE_ID (unset: derived from
	// MediaURL, so a node restarting at the same address is the same node),
	// ONAIR_MEDIA_CAPACITY (participants; rooms are placed only on nodes below it),
	// ONAIR_MEDIA_REGION (informative), ONAIR_MEDIA_HEARTBEAT (how often it reports its load).
	MediaNodeID, MediaCapacity, MediaRegion, MediaHeartbeat string
	// ONAIR_MEDIA_NODE_TIMEOUT (api, worker, media): a node whose last heartbeat is older is
	// dead; its rooms move to another node at their next join, and a media node whose
	// heartbeats fail for this long fences itself (media/room/fence.go).
	MediaNodeTimeout string
	// ONAIR_MEDIA_ROOM_SHARE (api): how many participants of one room a node takes before the
	// room's next participants join another node (a room spanning nodes); unset or 0: a room
	// stays on one node.
	MediaRoomShare string
	MediaSecret    string // ONAIR_MEDIA_SECRET (onair dev generates one when unset)
	// ONAIR_MEDIA_METRICS_ADDR: where `onair media` serves its Prometheus /metrics, apart from
	// the public listener ("off": none); `onair dev` serves them at ONAIR_METRICS_ADDR.
	MediaMetricsAddr string
	MediaOrigins     []string // ONAIR_MEDIA_ORIGINS, comma-separated host patterns
	// ONAIR_MEDIA_UDP_PORT: one UDP port for every peer's media (containers, firewalls);
	// unset, each PeerConnection takes an ephemeral port.
	MediaUDPPort string
	// ONAIR_MEDIA_TCP_PORT: a TCP port for the media of browsers whose network blocks UDP
	// (ICE-TCP); unset, media is UDP only.
	MediaTCPPort string
	// ONAIR_MEDIA_PUBLIC_IPS: the node's public addresses behind a 1:1 NAT, announced in ICE
	// host candidates instead of the private ones.
	MediaPublicIPs []string
	// TURN says which TURN servers browsers relay through (media_turn.go).
	TURN turnSettings
	// ONAIR_WEBHOOKS_ALLOW_PRIVATE=true lets webhook endpoints point at loopback,
	// private and internal addresses, over http too: development only.
	WebhooksAllowPrivate string
	// LinkKey derives and verifies the personal links e-mailed to registrants and speakers;
	// api and worker share it (ONAIR_LINK_KEY; onair dev keeps one in <DataDir>/link.key).
	LinkKey string
	// RecordingsDir holds the media service's recordings, one folder per session.
	RecordingsDir string // ONAIR_RECORDINGS_DIR (default <DataDir>/recordings)
	// Egress makes a worker also take the egress task queue (composite replays with ffmpeg,
	// reading and writing RecordingsDir, which must be the media node's volume):
	// ONAIR_EGRESS=true; `onair dev` turns it on when this machine can (composite.Ready:
	// ffmpeg, ffprobe and the labels' font).
	Egress bool
	// Temporal holds TLS, API-key and search-attribute settings (temporal.go).
	Temporal temporalSettings
	// Telemetry says where traces go (telemetry.go).
	Telemetry telemetrySettings
}

func env(name, fallback string) string {
	if v := strings.TrimSpace(os.Getenv(name)); v != "" {
		return v
	}
	return fallback
}

func loadConfig() config {
	c := config{
		HTTPAddr:          env("ONAIR_HTTP_ADDR", "127.0.0.1:8080"),
		DataDir:           env("ONAIR_DATA_DIR", ".onair"),
		DatabaseURL:       env("DATABASE_URL", ""),
		DBMaxConns:        env("ONAIR_DB_MAX_CONNS", ""),
		TemporalAddress:   env("TEMPORAL_ADDRESS", "127.0.0.1:7233"),
		TemporalNamespace: env("TEMPORAL_NAMESPACE", "default"),
		UIAddr:            env("ONAIR_UI_ADDR", "127.0.0.1:8233"),
		MetricsAddr:       env("ONAIR_METRICS_ADDR", "127.0.0.1:9090"),
		SMTPURL:           env("SMTP_URL", ""),
		MailFrom:          env("ONAIR_MAIL_FROM", "onair <noreply@onair.localhost>"),
		LogLevel:          env("ONAIR_LOG_LEVEL", "info"),
		LogFormat:         env("ONAIR_LOG_FORMAT", "text"),
	}
	c.StripeSecretKey, c.StripeWebhookSecret = env("STRIPE_SECRET_KEY", ""), env("STRIPE_WEBHOOK_SECRET", "")
	c.TrustedProxies, c.LinkKey = envList("ONAIR_TRUSTED_PROXIES"), env("ONAIR_LINK_KEY", "")
	c.RateLimits = env("ONAIR_RATE_LIMITS", "")
	c.MediaAddr, c.MediaSecret = env("ONAIR_MEDIA_ADDR", "127.0.0.1:8090"), env("ONAIR_MEDIA_SECRET", "")
	c.RecordingsDir = env("ONAIR_RECORDINGS_DIR", filepath.Join(c.DataDir, "recordings"))
	c.Egress = env("ONAIR_EGRESS", "") == "true"
	c.MediaURL = strings.TrimRight(env("ONAIR_MEDIA_URL", "http://"+strings.Replace(c.MediaAddr, "127.0.0.1", "localhost", 1)), "/")
	c.MediaOrigins = envList("ONAIR_MEDIA_ORIGINS")
	c.MediaControlURL = strings.TrimRight(env("ONAIR_MEDIA_CONTROL_URL", ""), "/")
	c.MediaNodeID, c.MediaCapacity, c.MediaRegion = env("ONAIR_MEDIA_NODE_ID", ""), env("ONAIR_MEDIA_CAPACITY", ""), env("ONAIR_MEDIA_REGION", "")
	c.MediaHeartbeat, c.MediaNodeTimeout = env("ONAIR_MEDIA_HEARTBEAT", ""), env("ONAIR_MEDIA_NODE_TIMEOUT", "")
	c.MediaRoomShare = env("ONAIR_MEDIA_ROOM_SHARE", "")
	c.MediaUDPPort, c.MediaPublicIPs = env("ONAIR_MEDIA_UDP_PORT", ""), envList("ONAIR_MEDIA_PUBLIC_IPS")
	c.MediaTCPPort, c.TURN = env("ONAIR_MEDIA_TCP_PORT", ""), loadTURNSettings()
	if c.MediaMetricsAddr = env("ONAIR_MEDIA_METRICS_ADDR", "127.0.0.1:9091"); c.MediaMetricsAddr == "off" {
		c.MediaMetricsAddr = ""
	}
	c.WebhooksAllowPrivate = env("ONAIR_WEBHOOKS_ALLOW_PRIVATE", "")
	c.PublicURL = strings.TrimRight(env("ONAIR_PUBLIC_URL", "http://"+strings.Replace(c.HTTPAddr, "127.0.0.1", "localhost", 1)), "/")
	c.APIURL = strings.TrimRight(env("ONAIR_API_URL", c.PublicURL), "/")
	c.Temporal, c.Telemetry = loadTemporalSettings(), loadTelemetrySettings()
	return c
}

// storeDSN is DATABASE_URL, or for `onair dev` a SQLite file in the data dir.
func (c config) storeDSN(dev bool) (string, error) {
	if c.DatabaseURL != "" {
		return c.DatabaseURL, nil
	}
	if dev {
		return filepath.Join(c.DataDir, "onair.db"), nil
	}
	return "", fmt.Errorf("DATABASE_URL is required (e.g. postgres://onair@db:5432/onair?sslmode=disable)")
}

// storePool sizes the Postgres pool: ONAIR_DB_MAX_CONNS connections, kept open while idle
// (default store.DefaultMaxConns).
func (c config) storePool() (store.Pool, error) {
	if c.DBMaxConns == "" {
		return store.Pool{}, nil
	}
	n, err := strconv.Atoi(c.DBMaxConns)
	if err != nil || n < 1 || n > 1000 {
		return store.Pool{}, fmt.Errorf("ONAIR_DB_MAX_CONNS: %q is not a number of connections in 1..1000", c.DBMaxConns)
	}
	return store.Pool{MaxConns: n}, nil
}

// rateLimits are the API's rate limits: the defaults, with ONAIR_RATE_LIMITS's overrides.
func (c config) rateLimits() (api.RateLimits, error) {
	var r api.RateLimits
	if err := r.Set(c.RateLimits); err != nil {
		return r, fmt.Errorf("ONAIR_RATE_LIMITS: %w", err)
	}
	return r, nil
}

func (c config) mailDir() string { return filepath.Join(c.DataDir, "mail") }

// webhookPolicy is where webhook endpoints may point: public https targets,
// unless ONAIR_WEBHOOKS_ALLOW_PRIVATE is true.
func (c config) webhookPolicy() (outbound.Policy, error) {
	if c.WebhooksAllowPrivate == "" {
		return outbound.Policy{}, nil
	}
	allow, err := strconv.ParseBool(c.WebhooksAllowPrivate)
	if err != nil {
		return outbound.Policy{}, fmt.Errorf("ONAIR_WEBHOOKS_ALLOW_PRIVATE must be true or false, not %q", c.WebhooksAllowPrivate)
	}
	return outbound.Policy{AllowPrivate: allow}, nil
}

func (c config) logger() (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return nil, fmt.Errorf("ONAIR_LOG_LEVEL: %w", err)
	}
	opts := &slog.HandlerOptions{Level: level}
	// Lines logged with a request's context carry its request id and trace.
	switch c.LogFormat {
	case "text":
		return slog.New(tracing.LogHandler(slog.NewTextHandler(os.Stderr, opts))), nil
	case "json":
		return slog.New(tracing.LogHandler(slog.NewJSONHandler(os.Stderr, opts))), nil
	}
	return nil, fmt.Errorf("ONAIR_LOG_FORMAT must be text or json, not %q", c.LogFormat)
}

// envList reads a comma-separated variable, dropping blanks.
func envList(key string) []string {
	var out []string
	for _, v := range strings.Split(env(key, ""), ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
