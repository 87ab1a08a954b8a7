package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/uptrace/bun"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/store"
)

func (s *Server) auditRoutes() {
	s.add(route{Query: []param{{Name: "action", Description: "only entries of this authz action"}, {Name: "outcome", Description: "only granted or only refused actions", Enum: enumValues("AuditOutcome")}}, Method: http.MethodGet, Path: "/v1/audit-log", Tag: "audit", Action: authz.AuditView, Paged: true,
		Summary:  "Every granted and refused write, oldest first (?action=, ?outcome=granted|denied)",
		Response: store.AuditEntry{}, Handler: listOf[store.AuditEntry](s.base, auditFilter)})
}

// auditFilter narrows by ?action= and ?outcome=.
func auditFilter(c *gin.Context) (func(*bun.SelectQuery) *bun.SelectQuery, error) {
	action, err := optional("action", c.Query("action"), 64)
	if err != nil {
		return nil, err
	}
	outcome := c.Query("outcome")
	if outcome != "" && outcome != store.OutcomeGranted && outcome != store.OutcomeDenied {
		return nil, badInput("outcome", `outcome must be "granted" or "denied"`)
	}
	return func(q *bun.SelectQuery) *bun.SelectQuery {
		if action != "" {
			q = q.Where("?TableAlias.action = ?", action)
		}
		if outcome != "" {
			q = q.Where("?TableAlias.outcome = ?", outcome)
		}
		return q
	}, nil
}
