package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/onairhq/onair/store"
)

// registrant is a registrant as the team's API shows it: the row, and the engagement
// score (0–10) of what they did in their session's room (store.Engagement documents the
// formula), so a CRM can rank leads. Scores are read for a whole page at once.
type registrant struct {
	store.Registrant
	EngagementScore float64 `json:"engagement_score"`
}

// registrantViews scores regs in one batch (store.EngagementScores).
func (b *base) registrantViews(c *gin.Context, regs ...store.Registrant) ([]registrant, error) {
	ids := make([]string, len(regs))
	for i := range regs {
		ids[i] = regs[i].ID
	}
	scores, err := store.EngagementScores(c.Request.Context(), b.db, caller(c).Workspace.ID, ids)
	if err != nil {
		return nil, err
	}
	out := make([]registrant, len(regs))
	for i := range regs {
		out[i] = registrant{Registrant: regs[i], EngagementScore: scores[regs[i].ID].Score}
	}
	return out, nil
}

// respondRegistrant answers one registrant with its score.
func (b *base) respondRegistrant(c *gin.Context, status int, reg *store.Registrant) {
	views, err := b.registrantViews(c, *reg)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(status, views[0])
}

// listRegistrants is listOf for registrants, each page scored in one batch.
func (b *base) listRegistrants(narrow narrowing) gin.HandlerFunc {
	return func(c *gin.Context) {
		pg, err := page(c)
		if err != nil {
			fail(c, err)
			return
		}
		filter, err := narrow(c)
		if err != nil {
			fail(c, err)
			return
		}
		rows, next, err := store.List[store.Registrant](c.Request.Context(), b.db, caller(c).Workspace.ID, pg, filter)
		if err != nil {
			fail(c, err)
			return
		}
		views, err := b.registrantViews(c, rows...)
		if err != nil {
			fail(c, err)
			return
		}
		respondPage(c, views, next)
	}
}

// getRegistrant answers the caller's registrant :id with its score.
func (b *base) getRegistrant(c *gin.Context) {
	reg, err := store.Get[store.Registrant](c.Request.Context(), b.db, caller(c).Workspace.ID, c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	b.respondRegistrant(c, http.StatusOK, reg)
}
