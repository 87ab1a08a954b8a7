package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/billing"
	"github.com/onairhq/onair/store"
)

// Context keys.
const (
	ctxPrincipal   = "onair.principal"
	ctxAuditObject = "onair.audit_object"
	// ctxAuditPending lists the actions granted to a write, audited once it succeeds.
	ctxAuditPending = "onair.audit_pending"
)

// principal is the authenticated caller: one user acting in one workspace.
type principal struct {
	Workspace *store.Workspace
	Member    *store.Membership
	KeyID     string
}

func (p *principal) subject() authz.Subject { return billing.MemberSubject(p.Workspace.Plan, p.Member) }

func caller(c *gin.Context) *principal { return c.MustGet(ctxPrincipal).(*principal) }

// authenticate resolves "Authorization: Bearer <api key>" to a principal.
func (s *Server) authenticate() gin.HandlerFunc {
	return func(c *gin.Context) {
		secret, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
		if !ok || strings.TrimSpace(secret) == "" {
			c.Header("WWW-Authenticate", `Bearer realm="onair"`)
			writeProblem(c, unauthenticated("send an API key as Authorization: Bearer <key>"))
			return
		}
		secret = strings.TrimSpace(secret)
		// A key is limited on its own bucket; unknown keys spend their address's failure
		// budget, and once it is spent the address's keys are refused before any lookup.
		admission, ok := s.limits.admitSecret(c, s.limits.apiKey, s.limits.keyFailures, secret)
		if !ok {
			return
		}
		p, err := s.principalFor(c.Request.Context(), secret)
		admission.settle(c, !errors.Is(err, store.ErrNotFound))
		if errors.Is(err, store.ErrNotFound) {
			c.Header("WWW-Authenticate", `Bearer realm="onair", error="invalid_token"`)
			writeProblem(c, unauthenticated("the API key is unknown or revoked"))
			return
		}
		if err != nil {
			fail(c, err)
			return
		}
		c.Set(ctxPrincipal, p)
		c.Next()
	}
}

func (s *Server) principalFor(ctx context.Context, secret string) (*principal, error) {
	key, err := store.Authenticate(ctx, s.db, secret)
	if err != nil {
		return nil, err
	}
	m, err := store.GetMemberByUser(ctx, s.db, key.WorkspaceID, key.UserID)
	if err != nil {
		return nil, err
	}
	ws, err := store.GetWorkspace(ctx, s.db, key.WorkspaceID)
	if err != nil {
		return nil, err
	}
	if ws.DeletingAt != nil {
		return nil, fmt.Errorf("workspace %s is being deleted: %w", ws.ID, store.ErrNotFound)
	}
	return &principal{Workspace: ws, Member: m, KeyID: key.ID}, nil
}

// authorizeRoute gates a route by its action and audits writes: a refusal at
// once, a grant once the handler has succeeded.
func (s *Server) authorizeRoute(a authz.Action) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := s.check(c, a); err != nil {
			fail(c, err)
			return
		}
		c.Next()
		s.flushAudit(c)
	}
}

// check decides action a for the caller; refusals are audited (for writes) and
// returned as a 403 problem. Handlers call it again for actions that depend on
// the object (own vs other, inviting an admin).
func (s *base) check(c *gin.Context, a authz.Action) error {
	p := caller(c)
	d := authz.Can(p.subject(), a)
	if !d.Allowed {
		if isWrite(c.Request.Method) {
			s.audit(c, a, store.OutcomeDenied, d.Reason)
		}
		return forbidden(d)
	}
	if isWrite(c.Request.Method) && a != authz.WorkspaceDelete {
		// The workspace's own deletion is not logged: its workflow erases the log,
		// and an entry written after the erase would outlive the workspace.
		c.Set(ctxAuditPending, append(pendingAudits(c), a))
	}
	return nil
}

func pendingAudits(c *gin.Context) []authz.Action {
	v, _ := c.Get(ctxAuditPending)
	as, _ := v.([]authz.Action)
	return as
}

// flushAudit writes the granted entries of a request that succeeded.
func (s *Server) flushAudit(c *gin.Context) {
	if c.Writer.Status() >= 400 {
		return
	}
	for _, a := range pendingAudits(c) {
		s.audit(c, a, store.OutcomeGranted, "")
	}
}

func (s *base) audit(c *gin.Context, a authz.Action, outcome, reason string) {
	p := caller(c)
	object := c.GetString(ctxAuditObject)
	if object == "" {
		object = c.Request.Method + " " + c.FullPath()
	}
	err := store.RecordAudit(context.WithoutCancel(c.Request.Context()), s.db, store.AuditEntry{
		WorkspaceID: p.Workspace.ID, ActorID: p.Member.UserID, Action: string(a),
		Object: object, Outcome: outcome, Reason: reason,
	})
	if err != nil {
		s.log.ErrorContext(c.Request.Context(), "audit write failed", "workspace", p.Workspace.ID, "action", a, "err", err)
	}
}

// auditObject names the object a write touched, for the audit log.
func auditObject(c *gin.Context, kind, id string) { c.Set(ctxAuditObject, kind+":"+id) }

func isWrite(method string) bool {
	return method != http.MethodGet && method != http.MethodHead && method != http.MethodOptions
}
