package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/uptrace/bun"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/store"
)

func (s *Server) auditRoutes() {
	s.add(route{Method: http.MethodGet, Path: "/v1/audit-log", Tag: "audit", Action: authz.AuditView, Paged: true,
		Summary:  "Every granted and refused write, oldest first (?action=, ?outcome=granted|denied)",
		Response: store.AuditEntry{}, Handler: s.listAudit})
}

func (s *Server) listAudit(c *gin.Context) {
	pg, err := page(c)
	if err != nil {
		fail(c, err)
		return
	}
	action, err := optional("action", c.Query("action"), 64)
	if err != nil {
		fail(c, err)
		return
	}
	outcome := c.Query("outcome")
	if outcome != "" && outcome != store.OutcomeGranted && outcome != store.OutcomeDenied {
		fail(c, badInput("outcome", `outcome must be "granted" or "denied"`))
		return
	}
	filter := func(q *bun.SelectQuery) *bun.SelectQuery {
		if action != "" {
			q = q.Where("?TableAlias.action = ?", action)
		}
		if outcome != "" {
			q = q.Where("?TableAlias.outcome = ?", outcome)
		}
		return q
	}
	rows, next, err := store.List[store.AuditEntry](c.Request.Context(), s.p.DB, caller(c).Workspace.ID, pg, filter)
	if err != nil {
		fail(c, err)
		return
	}
	respondPage(c, rows, next)
}
