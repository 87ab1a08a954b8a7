package api

import (
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
)

// BenchmarkLimiterTake is the limiter's cost on a request whose bucket exists: a key from
// the address or a secret, and a token taken. The buckets allocate nothing; the address
// costs what gin's ClientIP allocates (3 small values, measured).
//
//	go test ./api -run '^$' -bench BenchmarkLimiterTake -benchmem
func BenchmarkLimiterTake(b *testing.B) {
	l := newLimiter(RateLimits{})
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest("GET", "/join/x", nil)
	c.Request.RemoteAddr = "2001:db8::1:2:3:4:5678"
	const secret = "join_0123456789abcdefghijklmnopqrstuvwxyz"
	b.Run("address", func(b *testing.B) {
		for b.Loop() {
			l.eventPage.take(addressKey(c), l.clock())
		}
	})
	b.Run("secret", func(b *testing.B) {
		for b.Loop() {
			l.link.take(digestKey(nil, secret), l.clock())
		}
	})
}
