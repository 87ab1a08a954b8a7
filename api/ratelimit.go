package api

import (
	"crypto/sha256"
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

// Rate sizes a token bucket: it holds at most Burst tokens, refills PerMinute of them a
// minute, and every request it admits spends one.
type Rate struct{ PerMinute, Burst int }

// bucketKey names one bucket of a policy: a client address (IPv6 by its /64, which one
// host can rotate through at will), or a digest of a secret or of an address and a session,
// so no secret is kept in memory.
type bucketKey [16]byte

// bucket is a token bucket's state: its tokens as counted at a time on the limiter's clock.
type bucket struct {
	tokens float64
	at     time.Duration
}

// sweepEvery is how often a policy's idle buckets are forgotten.
const sweepEvery = 10 * time.Minute

// buckets are one policy's token buckets, by key. Map values (not pointers) keep a request
// that finds its bucket free of allocations.
type buckets struct {
	rate    Rate
	perTick float64 // tokens per nanosecond
	// keep is how long a bucket outlives the moment it filled up again: zero for buckets
	// whose existence means nothing, longer for the secrets known to be valid.
	keep    time.Duration
	refusal string // the 429's detail, before "retry in …"

	mu    sync.Mutex
	byKey map[bucketKey]bucket
	swept time.Duration
}

func newBuckets(r Rate, keep time.Duration, refusal string) *buckets {
	return &buckets{rate: r, perTick: float64(r.PerMinute) / float64(time.Minute), keep: keep,
		refusal: refusal, byKey: map[bucketKey]bucket{}}
}

// quota is a bucket's answer to one request, as the RateLimit headers tell it.
type quota struct {
	allowed          bool
	limit, remaining int
	reset, retry     time.Duration // until the bucket is full again; until it holds one token
	refusal          string
}

// take spends a token of k's bucket (a new bucket is full) if it holds one.
func (b *buckets) take(k bucketKey, now time.Duration) quota {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.sweepLocked(now)
	cur, ok := b.byKey[k]
	if !ok {
		cur = bucket{tokens: float64(b.rate.Burst), at: now}
	}
	return b.spendLocked(k, cur, now)
}

// takeKnown is take for a key that already has a bucket; known is false, and nothing is
// spent, when it has none.
func (b *buckets) takeKnown(k bucketKey, now time.Duration) (q quota, known bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	cur, ok := b.byKey[k]
	if !ok {
		return quota{}, false
	}
	return b.spendLocked(k, cur, now), true
}

func (b *buckets) spendLocked(k bucketKey, cur bucket, now time.Duration) quota {
	cur = b.refilled(cur, now)
	q := quota{allowed: cur.tokens >= 1, limit: b.rate.Burst, refusal: b.refusal}
	if q.allowed {
		cur.tokens--
	}
	b.byKey[k] = cur
	q.remaining = int(cur.tokens)
	q.reset = b.until(cur, float64(b.rate.Burst))
	q.retry = b.until(cur, 1)
	return q
}

// refund gives back a token taken for a request that turned out not to count.
func (b *buckets) refund(k bucketKey, now time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if cur, ok := b.byKey[k]; ok {
		cur = b.refilled(cur, now)
		cur.tokens = min(cur.tokens+1, float64(b.rate.Burst))
		b.byKey[k] = cur
	}
}

func (b *buckets) forget(k bucketKey) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.byKey, k)
}

func (b *buckets) refilled(cur bucket, now time.Duration) bucket {
	if now > cur.at {
		cur.tokens = min(float64(b.rate.Burst), cur.tokens+float64(now-cur.at)*b.perTick)
		cur.at = now
	}
	return cur
}

// until is how long cur takes to hold tokens.
func (b *buckets) until(cur bucket, tokens float64) time.Duration {
	if cur.tokens >= tokens {
		return 0
	}
	if b.perTick <= 0 {
		return time.Duration(math.MaxInt64)
	}
	return time.Duration(math.Ceil((tokens - cur.tokens) / b.perTick))
}

// sweepLocked forgets the buckets that have been full for keep: a full bucket is a new one,
// unless its existence says its secret is valid.
func (b *buckets) sweepLocked(now time.Duration) {
	if now-b.swept < sweepEvery {
		return
	}
	b.swept = now
	for k, cur := range b.byKey {
		if full := cur.at + b.until(cur, float64(b.rate.Burst)); now-full >= b.keep {
			delete(b.byKey, k)
		}
	}
}

// addressKey is the client's address; IPv6 counts by /64.
func addressKey(c *gin.Context) bucketKey {
	addr, err := netip.ParseAddr(c.ClientIP())
	if err != nil {
		return bucketKey{} // unparseable addresses share one bucket
	}
	k := bucketKey(addr.Unmap().As16())
	if addr.Unmap().Is6() {
		clear(k[8:])
	}
	return k
}

// digestKey names a bucket by a digest of parts (a secret; an address and a session).
func digestKey(a []byte, b string) bucketKey {
	var buf [256]byte
	in := append(append(append(buf[:0], a...), 0), b...)
	sum := sha256.Sum256(in)
	return bucketKey(sum[:16])
}

// admit writes q as the IETF RateLimit headers (draft-ietf-httpapi-ratelimit-headers, the
// three-field form) and, when q refuses, a 429 problem with Retry-After.
func admit(c *gin.Context, q quota) bool {
	setRateLimitHeaders(c, q)
	if q.allowed {
		return true
	}
	retry := max(1, seconds(q.retry)) // told 0, a client would retry at once
	c.Header("Retry-After", strconv.Itoa(retry))
	writeProblem(c, problem(http.StatusTooManyRequests, "rate-limited", "Too many requests",
		q.refusal+"; retry in "+strconv.Itoa(retry)+" s"))
	return false
}

func setRateLimitHeaders(c *gin.Context, q quota) {
	c.Header("RateLimit-Limit", strconv.Itoa(q.limit))
	c.Header("RateLimit-Remaining", strconv.Itoa(q.remaining))
	c.Header("RateLimit-Reset", strconv.Itoa(seconds(q.reset)))
}

// seconds rounds d up to whole seconds.
func seconds(d time.Duration) int {
	return int(min(math.Ceil(d.Seconds()), 1<<31-1))
}

// tighter is the quota of two that leaves the client less room.
func tighter(a, b quota) quota {
	switch {
	case a.allowed != b.allowed:
		if !a.allowed {
			return a
		}
		return b
	case b.remaining < a.remaining:
		return b
	}
	return a
}
