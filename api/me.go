package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/store"
)

type profileUpdate struct {
	Name *string `json:"name"`
}

func (s *rolesAPI) meRoutes() {
	s.add(route{Method: http.MethodGet, Path: "/v1/me", Tag: "profile", Action: authz.ProfileEditOwn,
		Summary: "Your membership and user profile", Response: store.Membership{}, Handler: s.getMe})
	s.add(route{Method: http.MethodPatch, Path: "/v1/me", Tag: "profile", Action: authz.ProfileEditOwn,
		Summary: "Edit your personal settings", Request: profileUpdate{}, Response: store.Membership{}, Handler: s.updateMe})
	s.add(route{Method: http.MethodDelete, Path: "/v1/me", Tag: "profile", Action: authz.ProfileDeleteOwn,
		Summary: "Leave the workspace, deleting your profile in it (the owner must transfer ownership first); in live rooms you drop to participant at once",
		Status:  http.StatusNoContent, Handler: s.deleteMe})
}

func (s *rolesAPI) getMe(c *gin.Context) { c.JSON(http.StatusOK, caller(c).Member) }

func (s *rolesAPI) updateMe(c *gin.Context) {
	var req profileUpdate
	if err := decode(c, &req); err != nil {
		fail(c, err)
		return
	}
	m := caller(c).Member
	auditObject(c, "member", m.ID)
	if req.Name != nil {
		name, err := required("name", *req.Name, 120)
		if err != nil {
			fail(c, err)
			return
		}
		m.Name = name
		if err := store.TouchMember(c.Request.Context(), s.db, m, "name"); err != nil {
			fail(c, err)
			return
		}
	}
	c.JSON(http.StatusOK, m)
}

func (s *rolesAPI) deleteMe(c *gin.Context) {
	m := caller(c).Member
	auditObject(c, "member", m.ID)
	if m.Role == store.RoleOwner {
		fail(c, conflict("the owner cannot leave: transfer ownership to an admin first, or delete the workspace"))
		return
	}
	if err := store.RemoveMember(c.Request.Context(), s.db, m); err != nil {
		fail(c, err)
		return
	}
	s.liveRoles.MemberRemoved(c.Request.Context(), m)
	c.Status(http.StatusNoContent)
}
