package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/uptrace/bun"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/mail"
	"github.com/onairhq/onair/store"
)

// InvitationTTL is how long an invitation stays valid.
const InvitationTTL = 7 * 24 * time.Hour

type invitationRequest struct {
	Email string `json:"email" openapi:"required"`
	Role  string `json:"role"`
}

type invitationCreated struct {
	store.Invitation
	EmailSent bool `json:"email_sent"`
}

type acceptRequest struct {
	Token string `json:"token" openapi:"required"`
	Name  string `json:"name" openapi:"required"`
}

func (r *acceptRequest) validate() (err error) {
	if r.Token, err = required("token", r.Token, 128); err != nil {
		return err
	}
	r.Name, err = required("name", r.Name, 120)
	return err
}

func (r *invitationRequest) validate() (err error) {
	if r.Email, err = validEmail("email", r.Email); err != nil {
		return err
	}
	switch r.Role {
	case "":
		r.Role = store.RoleMember
	case store.RoleMember, store.RoleAdmin:
	default:
		return badInput("role", `role must be "member" or "admin"`)
	}
	return nil
}

func (s *onboardingAPI) invitationRoutes() {
	s.add(route{Method: http.MethodPost, Path: "/v1/invitations", Tag: "members", Action: authz.MemberInvite, Idempotent: true,
		Summary: "Invite someone by e-mail as member (or admin: member.invite_admin)",
		Request: invitationRequest{}, Response: invitationCreated{}, Status: http.StatusCreated, Handler: s.invite})
	s.add(route{Method: http.MethodGet, Path: "/v1/invitations", Tag: "members", Action: authz.MemberInvite, Paged: true,
		Summary: "List pending invitations", Response: store.Invitation{}, Handler: listOf[store.Invitation](s.base, fixed(store.PendingInvitations))})
	s.add(route{Method: http.MethodDelete, Path: "/v1/invitations/:id", Tag: "members", Action: authz.MemberInvite,
		Summary: "Revoke a pending invitation", Status: http.StatusNoContent, Handler: s.revokeInvitation})
	s.add(route{ID: "acceptInvitation", Method: http.MethodPost, Path: "/v1/invitations/accept", Tag: "members", Public: true, Limit: limitSignup,
		Summary: "Accept an invitation with its e-mailed token: joins the workspace and returns a first API key",
		Request: acceptRequest{}, Response: accessGranted{}, Status: http.StatusCreated, Handler: s.acceptInvitation})
}

func (s *onboardingAPI) invite(c *gin.Context) {
	var req invitationRequest
	if err := decode(c, &req); err != nil {
		fail(c, err)
		return
	}
	if req.Role == store.RoleAdmin {
		if err := s.check(c, authz.MemberInviteAdmin); err != nil {
			fail(c, err)
			return
		}
	}
	email := req.Email
	p := caller(c)
	ctx := c.Request.Context()
	var inv *store.Invitation
	var token string
	err := store.InTx(ctx, s.db, func(ctx context.Context, tx bun.IDB) error {
		if already, err := store.HasMemberWithEmail(ctx, tx, p.Workspace.ID, email); err != nil || already {
			if already {
				return conflict(email + " is already a member of this workspace")
			}
			return err
		}
		// A new invitation replaces a pending one to the same address (a resend).
		if err := store.RevokePendingInvitationsTo(ctx, tx, p.Workspace.ID, email); err != nil {
			return err
		}
		if err := teamHasRoom(ctx, tx, p.Workspace, true); err != nil {
			return err
		}
		var err error
		inv, token, err = store.NewInvitation(ctx, tx, p.Workspace.ID, email, req.Role, p.Member.UserID, InvitationTTL)
		return err
	})
	if err != nil {
		fail(c, err)
		return
	}
	auditObject(c, "invitation", inv.ID)
	sent := s.sendInvitation(ctx, p, inv, token)
	c.JSON(http.StatusCreated, invitationCreated{Invitation: *inv, EmailSent: sent})
}

// sendInvitation e-mails the token; a failure is logged and reported in the
// answer, never undoing the invitation (it can be re-sent).
func (s *onboardingAPI) sendInvitation(ctx context.Context, p *principal, inv *store.Invitation, token string) bool {
	ws := p.Workspace
	own, err := store.TemplateFor(ctx, s.db, ws.ID, ws.Language, mail.StoredKinds(mail.KindInvitation))
	if errors.Is(err, store.ErrNotFound) {
		own, err = nil, nil
	}
	if err != nil {
		s.log.ErrorContext(ctx, "invitation template lookup failed", "workspace", p.Workspace.ID, "invitation", inv.ID, "err", err)
		own = nil // the default still goes out
	}
	// The team's e-mails are written in the workspace's language, in its brand.
	brand := mail.WorkspaceBrand(s.baseURL, ws.Name, ws.Slug, len(ws.Logo) > 0, ws.Settings.BrandColor)
	msg, err := mail.InvitationMessage(inv.Email, ws.Language, brand, mail.Invitation{
		WorkspaceName: p.Workspace.Name, InviterName: p.Member.Name, Role: inv.Role,
		AcceptURL: s.baseURL + invitationPagePath(token), Token: token, ExpiresAt: inv.ExpiresAt,
	}, own.MailTemplate(), func(err error) {
		s.log.WarnContext(ctx, "e-mail template failed, sent the default", "workspace", p.Workspace.ID, "template", own.ID,
			"kind", mail.KindInvitation, "invitation", inv.ID, "err", err)
	})
	if err == nil {
		msg.ID = inv.ID // a resend is a new invitation, with its own id
		err = s.mail.Send(ctx, msg)
	}
	if err != nil {
		s.log.ErrorContext(ctx, "invitation e-mail failed", "workspace", p.Workspace.ID, "invitation", inv.ID, "err", err)
		return false
	}
	return true
}

func (s *onboardingAPI) revokeInvitation(c *gin.Context) {
	ctx := c.Request.Context()
	ws := caller(c).Workspace.ID
	inv, err := store.Get[store.Invitation](ctx, s.db, ws, c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	auditObject(c, "invitation", inv.ID)
	if inv.Role == store.RoleAdmin {
		if err := s.check(c, authz.MemberInviteAdmin); err != nil {
			fail(c, err)
			return
		}
	}
	if err := store.RevokeInvitation(ctx, s.db, ws, inv.ID); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			err = conflict("the invitation was already accepted or revoked")
		}
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *onboardingAPI) acceptInvitation(c *gin.Context) {
	var req acceptRequest
	if err := decode(c, &req); err != nil {
		fail(c, err)
		return
	}
	out, err := s.acceptInvitationToken(c.Request.Context(), req.Token, req.Name)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, out)
}

// acceptInvitationToken joins the invitation's workspace as name, with the invitation's
// role, and returns the new member's first API key: the one way to accept, for the JSON
// route and the invitation page. Refusals are problems (unknown, used, revoked, expired,
// workspace deleted, team full, already a member).
func (s *onboardingAPI) acceptInvitationToken(ctx context.Context, token, name string) (accessGranted, error) {
	var out accessGranted
	err := store.InTx(ctx, s.db, func(ctx context.Context, tx bun.IDB) error {
		inv, err := invitationByToken(ctx, tx, token)
		if err != nil {
			return err
		}
		if err := invitationUsable(inv); err != nil {
			return err
		}
		if err := store.ClaimInvitation(ctx, tx, inv); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return invitationUsed()
			}
			return err
		}
		ws, err := store.GetWorkspace(ctx, tx, inv.WorkspaceID)
		if err != nil {
			return err
		}
		if ws.DeletingAt != nil {
			return workspaceDeleted()
		}
		if err := teamHasRoom(ctx, tx, ws, false); err != nil {
			return err
		}
		u, err := store.GetOrCreateUser(ctx, tx, inv.Email, name)
		if err != nil {
			return err
		}
		out, err = join(ctx, tx, ws, u, name, inv.Role)
		return err
	})
	if err != nil {
		return accessGranted{}, err
	}
	s.log.InfoContext(ctx, "invitation accepted", "workspace", out.Workspace.ID, "user", out.Member.UserID)
	return out, nil
}

// invitationByToken finds an invitation by its e-mailed token; an unknown one is a 404 problem.
func invitationByToken(ctx context.Context, db bun.IDB, token string) (*store.Invitation, error) {
	inv, err := store.GetInvitationByToken(ctx, db, token)
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound("invitation")
	}
	return inv, err
}

func invitationUsable(inv *store.Invitation) error {
	switch {
	case inv.AcceptedAt != nil:
		return invitationUsed()
	case inv.RevokedAt != nil:
		return problem(http.StatusGone, "invitation-revoked", "Invitation revoked", "this invitation was withdrawn; ask for a new one")
	case time.Now().After(inv.ExpiresAt):
		return problem(http.StatusGone, "invitation-expired", "Invitation expired", "this invitation has expired; ask for a new one")
	}
	return nil
}

// invitationUsed is the answer to a token accepted before: 409, a kind of its own so the
// invitation page can tell it from "already a member".
func invitationUsed() error {
	return problem(http.StatusConflict, "invitation-used", "Invitation already used", "this invitation has already been used")
}

func workspaceDeleted() error {
	return problem(http.StatusGone, "workspace-deleted", "Workspace deleted", "this workspace is being deleted")
}
