package api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/hostctl"
	"github.com/onairhq/onair/media/jointoken"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/workflows/contract"
)

// The room's host controls: a host goes live from the green room or ends the session from the
// room page. The media node takes them here (media/hostctl explains why it, and not the page,
// calls) with a join token it signs for the host; the API checks the token, then the person's
// session role as the store says now (a token's role may be minutes old), and runs the same
// session workflow updates as POST /v1/sessions/:id/start and /stop.

func (s *joinAPI) roomHostRoutes() {
	for _, r := range []struct{ id, path, summary, update string }{
		{"startSessionFromRoom", hostctl.StartPath, "Go live from the room: the media node, for a host in the green room", contract.StartUpdate},
		{"stopSessionFromRoom", hostctl.StopPath, "End the session from the room: the media node, for a host in it", contract.StopUpdate},
	} {
		s.add(route{ID: r.id, Method: http.MethodPost, Path: fmt.Sprintf(r.path, ":session"), Tag: "live room", Public: true, Limit: limitEventPage,
			Summary: r.summary + " (authenticated by a join token signed with the media secret)",
			Request: hostctl.Request{}, Response: store.Session{}, Handler: s.roomHostUpdate(r.update)})
	}
}

// roomHostUpdate is the handler of one host control: the update name is the workflow's.
func (s *joinAPI) roomHostUpdate(update string) gin.HandlerFunc {
	return func(c *gin.Context) {
		var req hostctl.Request
		if err := decode(c, &req); err != nil {
			fail(c, err)
			return
		}
		ses, host, err := s.roomHost(c, strings.TrimSpace(req.Token))
		if err != nil {
			fail(c, err)
			return
		}
		ctx := c.Request.Context()
		var arg any = contract.StopRequest{By: host.Member.UserID}
		if update == contract.StartUpdate {
			if err := activeWorkspace(host.Workspace); err != nil {
				fail(c, err)
				return
			}
			arg = contract.StartRequest{By: host.Member.UserID}
		}
		if _, err := s.lifecycle.updateSession(ctx, ses.ID, update, arg); err != nil {
			fail(c, err)
			return
		}
		s.auditRoomHost(c, host, ses, store.OutcomeGranted, "")
		fresh, err := store.Get[store.Session](ctx, s.db, ses.WorkspaceID, ses.ID)
		if err != nil {
			fail(c, err)
			return
		}
		c.JSON(http.StatusOK, fresh)
	}
}

// roomHost authenticates a room host control: a join token for the session in the path,
// naming a team member who may start and stop it now (room.start_stop). Refusals of a known
// member are audited as any refused write.
func (s *joinAPI) roomHost(c *gin.Context, token string) (*store.Session, *principal, error) {
	if token == "" || len(token) > 4096 {
		return nil, nil, badInput("token", "token is a join token for this session")
	}
	claims, err := jointoken.Verify(s.mediaSecret, token, c.Param("session"), time.Now())
	if err != nil || len(s.mediaSecret) == 0 {
		return nil, nil, unauthenticated("the join token is not valid for this session")
	}
	ctx := c.Request.Context()
	ses, err := store.Get[store.Session](ctx, s.db, claims.WorkspaceID, claims.SessionID)
	if err != nil {
		return nil, nil, err
	}
	ws, err := store.GetWorkspace(ctx, s.db, claims.WorkspaceID)
	if err != nil {
		return nil, nil, err
	}
	m, err := store.Get[store.Membership](ctx, s.db, ws.ID, claims.PersonID)
	if errors.Is(err, store.ErrNotFound) {
		p := problem(http.StatusForbidden, "forbidden", "Permission denied", "only the session's hosts start and end it, and they are team members")
		p.Action = string(authz.RoomStartStop)
		return nil, nil, p
	}
	if err != nil {
		return nil, nil, err
	}
	host := &principal{Workspace: ws, Member: m}
	role, err := s.memberSessionRole(ctx, ws, m, ses)
	if err != nil {
		return nil, nil, err
	}
	if d := authz.CanInRoom(authz.RoomContext{Role: role}, authz.RoomStartStop); !d.Allowed {
		s.auditRoomHost(c, host, ses, store.OutcomeDenied, d.Reason)
		return nil, nil, forbidden(d)
	}
	return ses, host, nil
}

// auditRoomHost writes a room host control to the workspace's audit log.
func (s *joinAPI) auditRoomHost(c *gin.Context, host *principal, ses *store.Session, outcome, reason string) {
	err := store.RecordAudit(c.Request.Context(), s.db, store.AuditEntry{WorkspaceID: host.Workspace.ID,
		ActorID: host.Member.UserID, Action: string(authz.RoomStartStop), Object: "session:" + ses.ID, Outcome: outcome, Reason: reason})
	if err != nil {
		s.log.ErrorContext(c.Request.Context(), "audit write failed", "workspace", host.Workspace.ID, "session", ses.ID, "err", err)
	}
}
