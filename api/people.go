package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/uptrace/bun"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/store"
)

func (s *Server) peopleRoutes() {
	s.add(route{Method: http.MethodGet, Path: "/v1/people", Tag: "people", Action: authz.PeopleOpen, Paged: true,
		Summary: "Everyone who registered to any event (?q= searches e-mail and name)", Response: store.Person{}, Handler: s.listPeople})
}

func (s *Server) listPeople(c *gin.Context) {
	pg, err := page(c)
	if err != nil {
		fail(c, err)
		return
	}
	q, err := optional("q", c.Query("q"), 200)
	if err != nil {
		fail(c, err)
		return
	}
	var filter func(*bun.SelectQuery) *bun.SelectQuery
	if q != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(strings.ToLower(q)) + "%"
		filter = func(sq *bun.SelectQuery) *bun.SelectQuery {
			return sq.Where(`(LOWER(?TableAlias.email) LIKE ? ESCAPE '\' OR LOWER(?TableAlias.name) LIKE ? ESCAPE '\')`, like, like)
		}
	}
	rows, next, err := store.List[store.Person](c.Request.Context(), s.p.DB, caller(c).Workspace.ID, pg, filter)
	if err != nil {
		fail(c, err)
		return
	}
	respondPage(c, rows, next)
}
