package api

import (
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"
)

// ipLimiter throttles unauthenticated routes (sign-up, invitation accept) per
// client address, so they cannot be used to spray accounts or guess tokens.
type ipLimiter struct {
	mu      sync.Mutex
	every   rate.Limit
	burst   int
	clients map[string]*rate.Limiter
	swept   time.Time
}

func newIPLimiter(perMinute, burst int) *ipLimiter {
	return &ipLimiter{every: rate.Limit(float64(perMinute) / 60), burst: burst, clients: map[string]*rate.Limiter{}}
}

func (l *ipLimiter) allow(ip string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if time.Since(l.swept) > 10*time.Minute {
		// Forget idle clients; a full bucket is the same as a new one.
		for k, lim := range l.clients {
			if lim.Tokens() >= float64(l.burst) {
				delete(l.clients, k)
			}
		}
		l.swept = time.Now()
	}
	lim, ok := l.clients[ip]
	if !ok {
		lim = rate.NewLimiter(l.every, l.burst)
		l.clients[ip] = lim
	}
	return lim.Allow()
}

func (l *ipLimiter) middleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		if !l.allow(c.ClientIP()) {
			c.Header("Retry-After", "60")
			writeProblem(c, problem(http.StatusTooManyRequests, "rate-limited", "Too many requests", "slow down and retry after a minute"))
			return
		}
		c.Next()
	}
}
