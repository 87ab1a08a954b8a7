package api

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/mail"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/workflows/contract"
)

// inviteRequest lists the addresses to invite to register.
type inviteRequest struct {
	Emails []string `json:"emails" openapi:"required"`
}

const maxInvitations = 10_000

func (s *eventsAPI) sessionInvitationRoutes() {
	s.add(route{ID: "inviteToSession", Method: http.MethodPost, Path: "/v1/sessions/:id/invitations", Tag: "sessions", Action: authz.EventShare,
		Summary: "Invite up to 10,000 addresses to register (the Invitations workflow sends them in batches)",
		Request: inviteRequest{}, Response: store.InvitationBatch{}, Status: http.StatusAccepted, Handler: s.inviteToSession})
	s.add(route{Query: []param{sessionIDParam}, Method: http.MethodGet, Path: "/v1/session-invitations", Tag: "sessions", Action: authz.WorkspaceView, Paged: true,
		Summary: "Invitation batches and their progress (?session_id= narrows)", Response: store.InvitationBatch{},
		Handler: listOf[store.InvitationBatch](s.base, byParent("session_id"))})
	s.add(route{Method: http.MethodGet, Path: "/v1/session-invitations/:id", Tag: "sessions", Action: authz.WorkspaceView,
		Summary: "One invitation batch and its progress", Response: store.InvitationBatch{}, Handler: getOf[store.InvitationBatch](s.base)})
}

func (r *inviteRequest) validate() error {
	if len(r.Emails) == 0 || len(r.Emails) > maxInvitations {
		return badInput("emails", "emails must list from 1 to 10000 addresses")
	}
	out := make([]string, 0, len(r.Emails))
	for i, e := range r.Emails {
		addr, err := mail.ValidateAddress(strings.TrimSpace(e))
		if err != nil {
			return badInput("emails", fmt.Sprintf("emails[%d] is not a valid address", i))
		}
		addr = strings.ToLower(addr)
		if !slices.Contains(out, addr) {
			out = append(out, addr)
		}
	}
	r.Emails = out
	return nil
}

func (s *eventsAPI) inviteToSession(c *gin.Context) {
	ses, err := s.sessionOf(c)
	if err != nil {
		fail(c, err)
		return
	}
	var req inviteRequest
	if err := decode(c, &req); err != nil {
		fail(c, err)
		return
	}
	auditObject(c, "session", ses.ID)
	if ses.Closed() || ses.Status == store.SessionLive {
		fail(c, conflict("the session is "+ses.Status+": invitations are over"))
		return
	}
	ctx := c.Request.Context()
	p := caller(c)
	t := store.Now()
	b := &store.InvitationBatch{ID: store.NewID("ivb"), WorkspaceID: p.Workspace.ID, SessionID: ses.ID, Emails: req.Emails,
		Total: len(req.Emails), Status: "running", CreatedBy: p.Member.UserID, CreatedAt: t, UpdatedAt: t}
	if err := store.Insert(ctx, s.db, b); err != nil {
		fail(c, err)
		return
	}
	err = s.lifecycle.start(ctx, client.StartWorkflowOptions{
		ID:                    contract.InvitationsWorkflowID(ses.ID, b.ID),
		TypedSearchAttributes: temporal.NewSearchAttributes(contract.WorkspaceKey.ValueSet(p.Workspace.ID), contract.EventKey.ValueSet(ses.EventID)),
		StaticSummary:         fmt.Sprintf("Invite %d people to session %s", b.Total, ses.ID),
	}, contract.InvitationsWorkflow, contract.InvitationsInput{SessionID: ses.ID, BatchID: b.ID})
	if err != nil {
		s.log.ErrorContext(ctx, "invitations workflow not started", "workspace", p.Workspace.ID, "batch", b.ID, "err", err)
		_ = store.Delete[store.InvitationBatch](context.WithoutCancel(ctx), s.db, p.Workspace.ID, b.ID)
		fail(c, problem(http.StatusServiceUnavailable, "unavailable", "Try again later", "the workflow engine did not accept the invitations; none was sent"))
		return
	}
	c.JSON(http.StatusAccepted, b)
}
