package api_test

import (
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/onairhq/onair/api"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

// stoppedClock is the rate limiter's clock in these tests: stopped, no bucket refills while a
// test counts, so the counts are exact; advance moves it on.
type stoppedClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *stoppedClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *stoppedClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// defaultLimits is a harness with the default rate limits on a stopped clock.
func defaultLimits(t *testing.T) (*harness, *stoppedClock) {
	clock := &stoppedClock{t: time.Now()}
	return newLimitedHarness(t, storetest.SQLite(t), nil, api.RateLimits{Now: clock.now}), clock
}

// openSession publishes an event without approval (registrants are approved at once) on
// the Business plan (room for 500) and schedules a session of it.
func openSession(t *testing.T, h *harness, owner account) string {
	t.Helper()
	ev := h.must(http.StatusCreated, "POST", "/v1/events", owner.Key, map[string]any{"title": "All hands"}).field(t, "id")
	h.must(http.StatusOK, "POST", "/v1/events/"+ev+"/publish", owner.Key, nil)
	return h.must(http.StatusCreated, "POST", "/v1/events/"+ev+"/sessions", owner.Key,
		map[string]any{"starts_at": future(time.Hour), "duration_minutes": 60, "timezone": "UTC"}).field(t, "id")
}

// register registers n different people to session from the test's one address and
// returns their registrant ids.
func (h *harness) register(session string, n int) []string {
	h.t.Helper()
	var ids []string
	for range n {
		ids = append(ids, h.must(http.StatusCreated, "POST", "/v1/public/sessions/"+session+"/registrations", "",
			map[string]any{"email": email("colleague"), "name": "Colleague"}).field(h.t, "id"))
	}
	return ids
}

// wantRateLimited asserts a 429 problem with Retry-After and the RateLimit headers.
func wantRateLimited(t *testing.T, r reply) {
	t.Helper()
	wantProblemType(t, r, http.StatusTooManyRequests, "rate-limited")
	if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s < 1 {
		t.Fatalf("Retry-After %q on a 429", r.Header.Get("Retry-After"))
	}
	if r.Header.Get("RateLimit-Remaining") != "0" || r.Header.Get("RateLimit-Limit") == "" || r.Header.Get("RateLimit-Reset") == "" {
		t.Fatalf("RateLimit headers on a 429: %v", r.Header)
	}
}

// A company audience opens its own join links from one office address: every link is its
// own bucket, so none is refused, and each link takes the room page's rejoins.
func TestJoinLinksFromOneOfficeAddress(t *testing.T) {
	h, _ := defaultLimits(t)
	owner := h.signupTeam("Office")
	ses := openSession(t, h, owner)
	regs := h.register(ses, 200)

	refused := 0
	for _, reg := range regs {
		res := h.openLink(joinTokenOf[store.Registrant](t, h, reg))
		switch res.StatusCode {
		case http.StatusSeeOther:
		case http.StatusTooManyRequests:
			refused++
		default:
			t.Fatalf("join link: status %d", res.StatusCode)
		}
	}
	if refused != 0 {
		t.Fatalf("%d of 200 colleagues' join links refused with 429 from one address", refused)
	}
	link := joinTokenOf[store.Registrant](t, h, regs[0])
	res := h.openLink(link)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("RateLimit-Limit") != "30" || res.Header.Get("RateLimit-Remaining") != "28" {
		t.Fatalf("a rejoin: status %d, RateLimit-Limit %q, -Remaining %q; want 303 on the link's own bucket of 30 (2 spent)",
			res.StatusCode, res.Header.Get("RateLimit-Limit"), res.Header.Get("RateLimit-Remaining"))
	}
	// One link is limited on its own: past its burst it is refused, the others are not.
	for range 28 {
		h.openLink(link)
	}
	wantRateLimited(t, h.call("POST", "/v1/public/join", "", map[string]string{"token": link}))
	if res := h.openLink(joinTokenOf[store.Registrant](t, h, regs[1])); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("another link after one was exhausted: status %d", res.StatusCode)
	}
}

// A guesser is limited per address on failures only: links that match nobody, on any of the
// link routes, spend the address's budget of 30; past it the address's unknown links are
// refused before any lookup. Links already in use from there keep working; a valid link
// never opened yet waits for the budget to refill (it cannot be told from a guess before
// the lookup, and looking up would let a guesser go on at full speed).
func TestGuessedLinksAreThrottledPerAddress(t *testing.T) {
	h, clock := defaultLimits(t)
	owner := h.signupTeam("Guessed")
	ses := openSession(t, h, owner)
	regs := h.register(ses, 2)
	inUse, unopened := joinTokenOf[store.Registrant](t, h, regs[0]), joinTokenOf[store.Registrant](t, h, regs[1])
	if res := h.openLink(inUse); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("open a valid link: %d", res.StatusCode)
	}

	guess := func(i int) reply {
		secret := "join_" + store.NewSecret(20)
		switch i % 5 {
		case 0:
			res := h.openLink(secret)
			return reply{Status: res.StatusCode, Header: res.Header}
		case 1:
			return h.call("POST", "/v1/public/join", "", map[string]string{"token": secret})
		case 2:
			return h.call("GET", "/replay/"+secret, "", nil)
		case 3:
			return h.call("GET", "/replay/"+secret+"/video", "", nil)
		}
		return h.call("POST", "/v1/public/registrations/cancel", "", map[string]string{"token": secret})
	}
	notFound, throttled := 0, 0
	for i := range 200 {
		switch r := guess(i); r.Status {
		case http.StatusNotFound:
			notFound++
		case http.StatusTooManyRequests:
			throttled++
			if i%5 != 0 {
				wantRateLimited(t, r)
			}
		default:
			t.Fatalf("guess %d: status %d", i, r.Status)
		}
	}
	if notFound != 30 || throttled != 170 {
		t.Fatalf("200 guesses: %d looked up (404), %d refused (429); want 30 and 170", notFound, throttled)
	}

	if res := h.openLink(inUse); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("a link in use, from the guessing address: status %d, want 303", res.StatusCode)
	}
	if res := h.openLink(unopened); res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("a valid link never opened, from an address out of failure budget: status %d, want 429", res.StatusCode)
	}
	clock.advance(2500 * time.Millisecond) // one failure token (30 a minute)
	if res := h.openLink(unopened); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the same link once a token refilled: status %d, want 303", res.StatusCode)
	}
	// Its token came back: the link is known now, and one guess is looked up again.
	if r := guess(1); r.Status != http.StatusNotFound {
		t.Fatalf("a guess after the valid link gave its failure token back: status %d, want 404", r.Status)
	}
	wantRateLimited(t, guess(1))
}

// Wrong bearer keys spend their address's failure budget (20), then are refused before any
// lookup; keys in use keep working, each limited on its own bucket (100 at once).
func TestAPIKeysAreLimitedPerKeyAndFailuresPerAddress(t *testing.T) {
	h, clock := defaultLimits(t)
	ann, bob := h.signup("Ann's"), h.signup("Bob's")
	r := h.must(http.StatusOK, "GET", "/v1/workspace", ann.Key, nil)
	if r.Header.Get("RateLimit-Limit") != "100" || r.Header.Get("RateLimit-Remaining") != "99" {
		t.Fatalf("a key's first request: RateLimit-Limit %q, -Remaining %q; want 100 and 99",
			r.Header.Get("RateLimit-Limit"), r.Header.Get("RateLimit-Remaining"))
	}

	for i := range 25 {
		r := h.call("GET", "/v1/workspace", "onair_"+store.NewSecret(30), nil)
		if i < 20 {
			wantUnauthenticated(t, r)
		} else {
			wantRateLimited(t, r)
		}
	}
	h.must(http.StatusOK, "GET", "/v1/workspace", ann.Key, nil)
	wantRateLimited(t, h.call("GET", "/v1/workspace", bob.Key, nil)) // not yet seen from here
	clock.advance(4 * time.Second)                                   // one failure token (20 a minute); keys refill
	h.must(http.StatusOK, "GET", "/v1/workspace", bob.Key, nil)

	for range 100 {
		h.must(http.StatusOK, "GET", "/v1/me", ann.Key, nil)
	}
	wantRateLimited(t, h.call("GET", "/v1/me", ann.Key, nil))
	h.must(http.StatusOK, "GET", "/v1/me", bob.Key, nil)
	clock.advance(1050 * time.Millisecond) // ten tokens (600 a minute)
	for range 10 {
		h.must(http.StatusOK, "GET", "/v1/me", ann.Key, nil)
	}
	wantRateLimited(t, h.call("GET", "/v1/me", ann.Key, nil))
}

// An office registers from one address: 150 colleagues to one session are all accepted; a
// spray is stopped at 200 a session and 300 in all from the address, then goes on only at
// the refill rate.
func TestRegistrationsFromOneAddress(t *testing.T) {
	h, clock := defaultLimits(t)
	owner := h.signupTeam("Registrations")
	first, second := openSession(t, h, owner), openSession(t, h, owner)
	h.register(first, 150)

	spray := func(session string) (accepted int) {
		for {
			r := h.call("POST", "/v1/public/sessions/"+session+"/registrations", "", map[string]any{"email": email("spray"), "name": "Spray"})
			if r.Status != http.StatusCreated {
				wantRateLimited(t, r)
				return accepted
			}
			accepted++
		}
	}
	if n := spray(first); n != 50 {
		t.Fatalf("a spray at one session took %d more after 150; want 50 (200 a session)", n)
	}
	if n := spray(second); n != 100 {
		t.Fatalf("a spray at another session took %d; want 100 (300 from one address)", n)
	}
	r := h.must(http.StatusOK, "GET", "/v1/public/events/"+h.slugOf(owner, first), "", nil)
	if r.Header.Get("RateLimit-Limit") != "300" {
		t.Fatalf("event page: RateLimit-Limit %q, want 300", r.Header.Get("RateLimit-Limit"))
	}
	clock.advance(1200 * time.Millisecond) // two registrations from the address (120 a minute), one a session (60)
	if n := spray(first); n != 1 {
		t.Fatalf("a second later the spray took %d at the full session; want 1 (60 a minute)", n)
	}
	if n := spray(second); n != 1 {
		t.Fatalf("a second later the spray took %d at the other session; want the address's second (120 a minute)", n)
	}
}

// slugOf is the public slug of session's event.
func (h *harness) slugOf(owner account, session string) string {
	h.t.Helper()
	ev := h.must(http.StatusOK, "GET", "/v1/sessions/"+session, owner.Key, nil).field(h.t, "event_id")
	return h.must(http.StatusOK, "GET", "/v1/events/"+ev, owner.Key, nil).field(h.t, "slug")
}

// ONAIR_RATE_LIMITS names limits as the README's table does; anything else is refused.
func TestRateLimitsSpec(t *testing.T) {
	var r api.RateLimits
	if err := r.Set(" api_key=1200/200, session_registration = 30/100 ,"); err != nil {
		t.Fatal(err)
	}
	if r.APIKey != (api.Rate{PerMinute: 1200, Burst: 200}) || r.SessionRegistration != (api.Rate{PerMinute: 30, Burst: 100}) || r.Signup != (api.Rate{}) {
		t.Fatalf("limits %+v", r)
	}
	for _, bad := range []string{"api_key=1200", "apikey=1/1", "api_key=a/b", "api_key=0/10", "link=10/-1", "=1/1"} {
		if err := r.Set(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
