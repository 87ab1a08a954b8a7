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
	s.add(route{Query: []param{searchParam}, Method: http.MethodGet, Path: "/v1/people", Tag: "people", Action: authz.PeopleOpen, Paged: true,
		Summary: "Everyone who registered to any event (?q= searches e-mail and name)", Response: store.Person{}, Handler: listOf[store.Person](s.base, peopleSearch)})
}

// peopleSearch narrows by ?q= on e-mail and name, case-insensitively.
func peopleSearch(c *gin.Context) (func(*bun.SelectQuery) *bun.SelectQuery, error) {
	q, err := optional("q", c.Query("q"), 200)
	if err != nil || q == "" {
		return nil, err
	}
	like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(strings.ToLower(q)) + "%"
	return func(sq *bun.SelectQuery) *bun.SelectQuery {
		return sq.Where(`(LOWER(?TableAlias.email) LIKE ? ESCAPE '\' OR LOWER(?TableAlias.name) LIKE ? ESCAPE '\')`, like, like)
	}, nil
}
