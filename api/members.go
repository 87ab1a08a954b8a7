package api

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/uptrace/bun"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/billing"
	"github.com/onairhq/onair/store"
)

type memberUpdate struct {
	Role           *string `json:"role"`
	HostLicence    *bool   `json:"host_licence"`
	BillingContact *bool   `json:"billing_contact"`
}

type ownershipTransfer struct {
	MemberID string `json:"member_id" openapi:"required"`
}

func (s *rolesAPI) memberRoutes() {
	s.add(route{Method: http.MethodGet, Path: "/v1/members", Tag: "members", Action: authz.WorkspaceView, Paged: true,
		Summary: "List the team", Response: store.Membership{}, Handler: listOf[store.Membership](s.base, fixed(store.WithUser))})
	s.add(route{Method: http.MethodGet, Path: "/v1/members/:id", Tag: "members", Action: authz.WorkspaceView,
		Summary: "One team member", Response: store.Membership{}, Handler: s.getMember})
	s.add(route{Method: http.MethodPatch, Path: "/v1/members/:id", Tag: "members", Action: authz.MemberEdit,
		Summary: "Change a team member's role, host licence or billing-contact flag; a host licence change moves them between host and moderator in live rooms at once",
		Request: memberUpdate{}, Response: store.Membership{}, Handler: s.updateMember})
	s.add(route{Method: http.MethodDelete, Path: "/v1/members/:id", Tag: "members", Action: authz.MemberRemove,
		Summary: "Remove a team member; in live rooms they drop to participant at once", Status: http.StatusNoContent, Handler: s.removeMember})
	s.add(route{Method: http.MethodPost, Path: "/v1/workspace/transfer-ownership", Tag: "members", Action: authz.OwnershipTransfer,
		Summary: "Make an admin the owner; the current owner becomes an admin (and stays billing contact)",
		Request: ownershipTransfer{}, Response: store.Membership{}, Handler: s.transferOwnership})
}

func (s *rolesAPI) getMember(c *gin.Context) {
	m, err := store.GetMember(c.Request.Context(), s.db, caller(c).Workspace.ID, c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, m)
}

func (s *rolesAPI) updateMember(c *gin.Context) {
	var req memberUpdate
	if err := decode(c, &req); err != nil {
		fail(c, err)
		return
	}
	ctx := c.Request.Context()
	m, err := store.GetMember(ctx, s.db, caller(c).Workspace.ID, c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	auditObject(c, "member", m.ID)
	hadLicence, before := m.HostLicence, billing.MemberSubject(caller(c).Workspace.Plan, m)
	if err := applyMemberUpdate(m, req); err != nil {
		fail(c, err)
		return
	}
	if err := s.licenceFits(ctx, caller(c).Workspace, m, hadLicence); err != nil {
		fail(c, err)
		return
	}
	if err := store.TouchMember(ctx, s.db, m, "role", "host_licence", "billing_contact"); err != nil {
		fail(c, err)
		return
	}
	s.liveRoles.HostRightsChanged(ctx, caller(c).Workspace, m, before, billing.MemberSubject(caller(c).Workspace.Plan, m))
	c.JSON(http.StatusOK, m)
}

// applyMemberUpdate enforces the spec's §1 rules on a membership change.
func applyMemberUpdate(m *store.Membership, req memberUpdate) error {
	if req.Role != nil {
		switch *req.Role {
		case store.RoleAdmin, store.RoleMember:
		case store.RoleOwner:
			return unprocessable("role", "ownership moves only through POST /v1/workspace/transfer-ownership")
		default:
			return badInput("role", `role must be "admin" or "member"`)
		}
		if m.Role == store.RoleOwner && *req.Role != store.RoleOwner {
			return conflict("the owner's role changes only by transferring ownership to an admin")
		}
		m.Role = *req.Role
	}
	if req.HostLicence != nil {
		m.HostLicence = *req.HostLicence
	}
	if req.BillingContact != nil {
		if m.Role == store.RoleOwner && !*req.BillingContact {
			return unprocessable("billing_contact", "the owner is always a billing contact")
		}
		m.BillingContact = *req.BillingContact
	}
	if m.Role == store.RoleMember && m.BillingContact {
		return unprocessable("billing_contact", "only the owner or an admin can be a billing contact; clear billing_contact to make this person a member")
	}
	return nil
}

func (s *rolesAPI) removeMember(c *gin.Context) {
	ctx := c.Request.Context()
	m, err := store.GetMember(ctx, s.db, caller(c).Workspace.ID, c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	auditObject(c, "member", m.ID)
	if m.Role == store.RoleOwner {
		fail(c, conflict("the owner cannot be removed; transfer ownership first"))
		return
	}
	if err := store.RemoveMember(ctx, s.db, m); err != nil {
		fail(c, err)
		return
	}
	s.liveRoles.MemberRemoved(ctx, m)
	c.Status(http.StatusNoContent)
}

func (s *rolesAPI) transferOwnership(c *gin.Context) {
	var req ownershipTransfer
	if err := decode(c, &req); err != nil {
		fail(c, err)
		return
	}
	if _, err := required("member_id", req.MemberID, 64); err != nil {
		fail(c, err)
		return
	}
	p := caller(c)
	auditObject(c, "member", req.MemberID)
	var next *store.Membership
	err := store.InTx(c.Request.Context(), s.db, func(ctx context.Context, tx bun.IDB) error {
		target, err := store.GetMember(ctx, tx, p.Workspace.ID, req.MemberID)
		if err != nil {
			return err
		}
		if target.ID == p.Member.ID {
			return unprocessable("member_id", "you already own this workspace")
		}
		if target.Role != store.RoleAdmin {
			return unprocessable("member_id", "ownership can only go to an admin; make this person an admin first")
		}
		target.Role, target.BillingContact = store.RoleOwner, true
		p.Member.Role = store.RoleAdmin
		if err := store.TouchMember(ctx, tx, p.Member, "role"); err != nil {
			return err
		}
		next = target
		return store.TouchMember(ctx, tx, target, "role", "billing_contact")
	})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, next)
}
