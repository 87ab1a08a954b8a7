package api

import (
	"github.com/gin-gonic/gin"

	"github.com/onairhq/onair/authz"
)

// ownedRules name the actions that govern things a team member owns (custom
// attributes, e-mail templates): anyone may change their own, only some may
// change or delete another person's.
type ownedRules struct {
	EditOwn, EditOther, DeleteOther authz.Action
}

// checkOwned decides an edit or delete of an object owned by ownerID. Deleting
// one's own object is an edit of it: the spec has no separate "delete own" cell.
func (s *base) checkOwned(c *gin.Context, r ownedRules, ownerID string, deleting bool) error {
	switch {
	case ownerID == caller(c).Member.UserID:
		return s.check(c, r.EditOwn)
	case deleting:
		return s.check(c, r.DeleteOther)
	default:
		return s.check(c, r.EditOther)
	}
}
