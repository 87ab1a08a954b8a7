package api

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/onairhq/onair/store"
)

// recoverProblem turns a panic into a logged 500 problem instead of a dropped
// connection; it is a last resort, handlers do not panic on input. http.ErrAbortHandler
// passes through: net/http drops the connection, as the handler asked.
func (s *Server) recoverProblem() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r) // a deliberate abort of a response already under way (exports.go)
				}
				s.log.ErrorContext(c.Request.Context(), "panic serving request", "path", c.Request.URL.Path, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				writeProblem(c, problem(http.StatusInternalServerError, "internal", "Internal error", "the server could not complete the request; it has been logged"))
			}
		}()
		c.Next()
	}
}

// logRequests writes one structured line per request with the ids operators search by.
func (s *Server) logRequests() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		attrs := []any{
			"method", c.Request.Method, "route", c.FullPath(), "status", c.Writer.Status(),
			"duration_ms", time.Since(start).Milliseconds(),
		}
		if v, ok := c.Get(ctxPrincipal); ok {
			p := v.(*principal)
			attrs = append(attrs, "workspace", p.Workspace.ID, "user", p.Member.UserID)
		}
		for _, e := range c.Errors {
			attrs = append(attrs, "err", e.Err.Error())
		}
		level := slogLevel(c.Writer.Status())
		s.log.Log(c.Request.Context(), level, "http request", attrs...)
	}
}

type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newHTTPMetrics(reg prometheus.Registerer) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "onair_http_requests_total", Help: "HTTP requests served by the API.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "onair_http_request_duration_seconds", Help: "Time to serve API requests.",
			Buckets: prometheus.DefBuckets,
		}, []string{"method", "route"}),
	}
	// A second API in the same process (tests) shares the collectors already registered.
	m.requests = registerOrReuse(reg, m.requests)
	m.duration = registerOrReuse(reg, m.duration)
	return m
}

func registerOrReuse[C prometheus.Collector](reg prometheus.Registerer, c C) C {
	if err := reg.Register(c); err != nil {
		if are, ok := err.(prometheus.AlreadyRegisteredError); ok {
			if existing, ok := are.ExistingCollector.(C); ok {
				return existing
			}
		}
	}
	return c
}

func (m *httpMetrics) middleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		m.requests.WithLabelValues(c.Request.Method, route, strconv.Itoa(c.Writer.Status())).Inc()
		m.duration.WithLabelValues(c.Request.Method, route).Observe(time.Since(start).Seconds())
	}
}

// page reads ?limit and ?cursor.
func page(c *gin.Context) (store.Page, error) {
	p := store.Page{After: c.Query("cursor")}
	if p.After != "" && !store.IsID(p.After) {
		return p, badInput("cursor", "cursor must be the next_cursor of an earlier page")
	}
	if l := c.Query("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > store.MaxPageLimit {
			return p, badInput("limit", fmt.Sprintf("limit must be a whole number from 1 to %d", store.MaxPageLimit))
		}
		p.Limit = n
	}
	return p, nil
}

// listPage is the envelope of every list answer.
type listPage[T any] struct {
	Data       []T    `json:"data"`
	NextCursor string `json:"next_cursor,omitempty"`
}

func respondPage[T any](c *gin.Context, rows []T, next string) {
	if rows == nil {
		rows = []T{}
	}
	c.JSON(http.StatusOK, listPage[T]{Data: rows, NextCursor: next})
}

func slogLevel(status int) slog.Level {
	if status >= 500 {
		return slog.LevelError
	}
	return slog.LevelInfo
}
