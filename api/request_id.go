package api

import (
	"crypto/rand"
	"encoding/hex"
	"net"
	"net/netip"
	"strings"

	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/contrib/instrumentation/github.com/gin-gonic/gin/otelgin"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/onairhq/onair/tracing"
)

// requestIDHeader carries a request's id: honoured from a trusted proxy, always answered.
const requestIDHeader = "X-Request-Id"

// maxRequestIDLength bounds a proxy's id, which goes into every log line of the request.
const maxRequestIDLength = 128

// requestIDs gives every request an id: the one a trusted proxy (Params.TrustedProxies)
// sent in X-Request-Id, so a request reads the same in the load balancer's logs and ours,
// else a fresh one. It is answered in X-Request-Id, put in the request's context for the
// log handler (tracing.LogHandler) and problem documents, and on the request's span.
func requestIDs(trusted []netip.Prefix) gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader(requestIDHeader)
		if id == "" || !fromTrustedProxy(c, trusted) || !validRequestID(id) {
			id = newRequestID()
		}
		c.Header(requestIDHeader, id)
		ctx := tracing.WithRequestID(c.Request.Context(), id)
		c.Request = c.Request.WithContext(ctx)
		trace.SpanFromContext(ctx).SetAttributes(attribute.String("onair.request_id", id))
		c.Next()
	}
}

func newRequestID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// validRequestID keeps ids that are safe to log and echo: short, printable ASCII.
func validRequestID(id string) bool {
	if len(id) > maxRequestIDLength {
		return false
	}
	for _, r := range id {
		if r <= ' ' || r > '~' {
			return false
		}
	}
	return true
}

// fromTrustedProxy says whether the request's peer (not X-Forwarded-For) is a trusted proxy.
func fromTrustedProxy(c *gin.Context, trusted []netip.Prefix) bool {
	if len(trusted) == 0 {
		return false
	}
	host, _, err := net.SplitHostPort(strings.TrimSpace(c.Request.RemoteAddr))
	if err != nil {
		return false
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	addr = addr.Unmap()
	for _, p := range trusted {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// trustedPrefixes parses Params.TrustedProxies as gin does (addresses or CIDRs); like gin,
// a list with a bad entry trusts none.
func trustedPrefixes(proxies []string) []netip.Prefix {
	out := make([]netip.Prefix, 0, len(proxies))
	for _, p := range proxies {
		if strings.Contains(p, "/") {
			prefix, err := netip.ParsePrefix(p)
			if err != nil {
				return nil
			}
			out = append(out, prefix.Masked())
			continue
		}
		addr, err := netip.ParseAddr(p)
		if err != nil {
			return nil
		}
		out = append(out, netip.PrefixFrom(addr.Unmap(), addr.Unmap().BitLen()))
	}
	return out
}

// tracingMiddleware is otelgin's server span per request, named after the route, continuing
// a trace a caller sent in traceparent; nil tp, none.
func tracingMiddleware(tp trace.TracerProvider) gin.HandlerFunc {
	if tp == nil {
		return nil
	}
	return otelgin.Middleware("onair-api", otelgin.WithTracerProvider(tp),
		otelgin.WithPropagators(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})))
}
