package api

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/onairhq/onair/store"
)

type health struct {
	Status string            `json:"status"`
	Checks map[string]string `json:"checks,omitempty"`
}

func (s *Server) operationalRoutes() {
	s.add(route{Method: http.MethodGet, Path: "/healthz", Tag: "operations", Public: true, Summary: "Liveness: the process serves HTTP",
		Response: health{}, Handler: func(c *gin.Context) { c.JSON(http.StatusOK, health{Status: "ok"}) }})
	s.add(route{Method: http.MethodGet, Path: "/readyz", Tag: "operations", Public: true, Summary: "Readiness: the store (and Temporal) answer",
		Response: health{}, Handler: s.ready})
	metrics := promhttp.HandlerFor(s.gatherer, promhttp.HandlerOpts{})
	s.add(route{Method: http.MethodGet, Path: "/metrics", Tag: "operations", Public: true, Summary: "Prometheus metrics",
		Raw: "text/plain", Handler: gin.WrapH(metrics)})
}

func (s *Server) ready(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 3*time.Second)
	defer cancel()
	h := health{Status: "ok", Checks: map[string]string{"store": "ok"}}
	if err := store.Ping(ctx, s.db); err != nil {
		h.Status, h.Checks["store"] = "unavailable", err.Error()
	}
	if s.readyCheck != nil {
		h.Checks["temporal"] = "ok"
		if err := s.readyCheck(ctx); err != nil {
			h.Status, h.Checks["temporal"] = "unavailable", err.Error()
		}
	}
	status := http.StatusOK
	if h.Status != "ok" {
		status = http.StatusServiceUnavailable
	}
	c.JSON(status, h)
}
