package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/onairhq/onair/store"
)

// RateLimits sizes the API's throttles (README, "Rate limits"); a Rate left zero takes its
// default. Counters live in the process: see the README for why that is enough.
type RateLimits struct {
	Signup              Rate // per address: sign-ups and invitation accepts
	EventPage           Rate // per address: published events' pages
	Registration        Rate // per address: public registrations, to any session
	SessionRegistration Rate // per address and session: public registrations
	Link                Rate // per personal link: join, replay, cancel
	LinkFailures        Rate // per address: personal links that match nobody
	APIKey              Rate // per API key: every authenticated route
	KeyFailures         Rate // per address: unknown or revoked API keys
	// Now is the limiter's clock (nil: time.Now); tests stop it to count exactly.
	Now func() time.Time
}

// defaultRateLimits are the limits of the README's table.
var defaultRateLimits = RateLimits{
	Signup:              Rate{PerMinute: 30, Burst: 10},
	EventPage:           Rate{PerMinute: 600, Burst: 300},
	Registration:        Rate{PerMinute: 120, Burst: 300},
	SessionRegistration: Rate{PerMinute: 60, Burst: 200},
	Link:                Rate{PerMinute: 60, Burst: 30},
	LinkFailures:        Rate{PerMinute: 30, Burst: 30},
	APIKey:              Rate{PerMinute: 600, Burst: 100},
	KeyFailures:         Rate{PerMinute: 20, Burst: 20},
}

type namedRate struct {
	name string
	rate *Rate
}

// byName lists the limits under the names ONAIR_RATE_LIMITS and the README use.
func (r *RateLimits) byName() []namedRate {
	return []namedRate{
		{"signup", &r.Signup}, {"event_page", &r.EventPage}, {"registration", &r.Registration},
		{"session_registration", &r.SessionRegistration}, {"link", &r.Link}, {"link_failures", &r.LinkFailures},
		{"api_key", &r.APIKey}, {"key_failures", &r.KeyFailures},
	}
}

// Set overrides limits from a spec such as "api_key=1200/200,registration=240/300": per
// named limit, tokens a minute and burst.
func (r *RateLimits) Set(spec string) error {
	for item := range strings.SplitSeq(spec, ",") {
		if item = strings.TrimSpace(item); item == "" {
			continue
		}
		name, value, _ := strings.Cut(item, "=")
		perMinute, burst, _ := strings.Cut(value, "/")
		pm, err1 := strconv.Atoi(strings.TrimSpace(perMinute))
		b, err2 := strconv.Atoi(strings.TrimSpace(burst))
		if err1 != nil || err2 != nil || pm < 1 || b < 1 {
			return fmt.Errorf("rate limit %q: want name=per_minute/burst with whole numbers from 1", item)
		}
		i := slices.IndexFunc(r.byName(), func(l namedRate) bool { return l.name == strings.TrimSpace(name) })
		if i < 0 {
			return fmt.Errorf("rate limit %q: unknown name (known: %s)", item, strings.Join(rateLimitNames(), ", "))
		}
		*r.byName()[i].rate = Rate{PerMinute: pm, Burst: b}
	}
	return nil
}

func rateLimitNames() []string {
	var names []string
	for _, l := range (&RateLimits{}).byName() {
		names = append(names, l.name)
	}
	return names
}

// withDefaults fills every unset or impossible Rate from defaultRateLimits.
func (r RateLimits) withDefaults() RateLimits {
	def := defaultRateLimits
	mine, theirs := r.byName(), def.byName()
	for i := range mine {
		if mine[i].rate.PerMinute < 1 || mine[i].rate.Burst < 1 {
			*mine[i].rate = *theirs[i].rate
		}
	}
	if r.Now == nil {
		r.Now = time.Now
	}
	return r
}

// limitPolicy names how a public route is throttled; authenticated routes are all limited
// per API key, by authenticate.
type limitPolicy uint8

const (
	unlimited         limitPolicy = iota
	limitSignup                   // per address, tight: creating accounts, accepting invitations
	limitEventPage                // per address, an office's worth
	limitRegistration             // per address, an office's worth, and per address and session
	limitPersonalLink             // per link; links that match nobody spend the address's failure budget
)

// secretKeep is how long a valid secret's bucket outlives its last use: while it lasts,
// the secret keeps working from an address out of failure budget (a room page rejoining
// through its link during a session).
const secretKeep = 3 * time.Hour

// limiter holds the buckets of every policy.
type limiter struct {
	now                                     func() time.Time
	start                                   time.Time
	signup, eventPage                       *buckets
	registration, sessionRegistration       *buckets
	link, linkFailures, apiKey, keyFailures *buckets
}

func newLimiter(r RateLimits) *limiter {
	r = r.withDefaults()
	return &limiter{now: r.Now, start: r.Now(),
		signup:              newBuckets(r.Signup, 0, "too many sign-ups or invitation accepts from this address"),
		eventPage:           newBuckets(r.EventPage, 0, "too many event pages requested from this address"),
		registration:        newBuckets(r.Registration, 0, "too many registrations from this address"),
		sessionRegistration: newBuckets(r.SessionRegistration, 0, "too many registrations to this session from this address"),
		link:                newBuckets(r.Link, secretKeep, "too many requests with this personal link"),
		linkFailures:        newBuckets(r.LinkFailures, 0, "too many unknown links tried from this address"),
		apiKey:              newBuckets(r.APIKey, secretKeep, "too many requests with this API key"),
		keyFailures:         newBuckets(r.KeyFailures, 0, "too many unknown API keys tried from this address"),
	}
}

func (l *limiter) clock() time.Duration { return l.now().Sub(l.start) }

// handler is the middleware of a route's policy.
func (l *limiter) handler(p limitPolicy) gin.HandlerFunc {
	switch p {
	case limitSignup:
		return l.byAddress(l.signup)
	case limitEventPage:
		return l.byAddress(l.eventPage)
	case limitRegistration:
		return l.registrations
	case limitPersonalLink:
		return l.personalLinks
	}
	return func(c *gin.Context) { c.Next() }
}

func (l *limiter) byAddress(b *buckets) gin.HandlerFunc {
	return func(c *gin.Context) {
		if admit(c, b.take(addressKey(c), l.clock())) {
			c.Next()
		}
	}
}

// registrations spend the address's bucket and the address's bucket for this session: an
// office registers for one session or several, a spray at one session stops sooner.
func (l *limiter) registrations(c *gin.Context) {
	now, addr := l.clock(), addressKey(c)
	q := l.registration.take(addr, now)
	if q.allowed {
		perSession := l.sessionRegistration.take(digestKey(addr[:], c.Param("session")), now)
		if !perSession.allowed {
			l.registration.refund(addr, now)
		}
		q = tighter(q, perSession)
	}
	if admit(c, q) {
		c.Next()
	}
}

// personalLinks limit per link; handlers report what the link's lookup found (linkLookedUp).
func (l *limiter) personalLinks(c *gin.Context) {
	a, ok := l.admitSecret(c, l.link, l.linkFailures, linkSecret(c))
	if !ok {
		return
	}
	c.Next()
	a.settle(c, c.GetBool(ctxLinkFound))
}

const ctxLinkFound = "onair.link_found"

// linkLookedUp tells the limiter what looking up the request's personal link gave: only a
// link that matches nobody costs the address (our own errors do not).
func linkLookedUp(c *gin.Context, err error) {
	var p *Problem
	if !errors.Is(err, store.ErrNotFound) && !(errors.As(err, &p) && p.Status == http.StatusNotFound) {
		c.Set(ctxLinkFound, true)
	}
}

// maxPeek bounds the JSON body read ahead for its "token"; a personal link's body is tiny.
const maxPeek = 4 << 10

// linkSecret is the personal link a request carries: its :secret, or the "token" of its
// JSON body, read ahead and put back for the handler.
func linkSecret(c *gin.Context) string {
	if s := c.Param("secret"); s != "" {
		return s
	}
	if c.Request.Body == nil {
		return ""
	}
	head, err := io.ReadAll(io.LimitReader(c.Request.Body, maxPeek+1))
	c.Request.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(head), c.Request.Body), c.Request.Body}
	var body struct {
		Token string `json:"token"`
	}
	if err != nil || len(head) > maxPeek || json.Unmarshal(head, &body) != nil {
		return ""
	}
	return strings.TrimSpace(body.Token)
}

// secretAdmission is how a request carrying a secret (a personal link, an API key) was let
// in: on the secret's own bucket when the secret is known to be valid, else on its address's
// failure budget. A guesser's secrets are never known, so guessing is limited per address
// before any lookup, while valid secrets are limited each on its own.
type secretAdmission struct {
	own, failures *buckets
	secret, addr  bucketKey
	onFailures    bool
	clock         func() time.Duration
}

func (l *limiter) admitSecret(c *gin.Context, own, failures *buckets, secret string) (secretAdmission, bool) {
	now := l.clock()
	a := secretAdmission{own: own, failures: failures, secret: digestKey(nil, secret), clock: l.clock}
	if q, known := own.takeKnown(a.secret, now); known {
		return a, admit(c, q)
	}
	a.addr, a.onFailures = addressKey(c), true
	return a, admit(c, failures.take(a.addr, now))
}

// settle records whether the secret matched someone: a match gets a bucket of its own (and
// gives back the failure token it came in on), a miss keeps that token spent and is forgotten.
func (a secretAdmission) settle(c *gin.Context, found bool) {
	now := a.clock()
	switch {
	case !found:
		a.own.forget(a.secret)
	case a.onFailures:
		a.failures.refund(a.addr, now)
		q := a.own.take(a.secret, now)
		if !c.Writer.Written() {
			setRateLimitHeaders(c, q)
		}
	}
}
