package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/uptrace/bun"

	"github.com/onairhq/onair/store"
)

// narrowing builds a request's filter for store.List: nil for none, or a
// problem when a query parameter is bad.
type narrowing func(c *gin.Context) (func(*bun.SelectQuery) *bun.SelectQuery, error)

// fixed narrows every request the same way.
func fixed(f func(*bun.SelectQuery) *bun.SelectQuery) narrowing {
	return func(*gin.Context) (func(*bun.SelectQuery) *bun.SelectQuery, error) { return f, nil }
}

// listOf answers one cursor page of the caller's workspace's rows of kind T.
func listOf[T any](s *base, narrow narrowing) gin.HandlerFunc {
	return func(c *gin.Context) {
		pg, err := page(c)
		if err != nil {
			fail(c, err)
			return
		}
		var filter func(*bun.SelectQuery) *bun.SelectQuery
		if narrow != nil {
			if filter, err = narrow(c); err != nil {
				fail(c, err)
				return
			}
		}
		rows, next, err := store.List[T](c.Request.Context(), s.db, caller(c).Workspace.ID, pg, filter)
		if err != nil {
			fail(c, err)
			return
		}
		respondPage(c, rows, next)
	}
}

// getOf answers the caller's workspace's row of kind T named by :id (404 for
// any other workspace's).
func getOf[T any](s *base) gin.HandlerFunc {
	return func(c *gin.Context) {
		row, err := store.Get[T](c.Request.Context(), s.db, caller(c).Workspace.ID, c.Param("id"))
		if err != nil {
			fail(c, err)
			return
		}
		c.JSON(http.StatusOK, row)
	}
}
