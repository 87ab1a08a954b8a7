package api

import (
	"context"
	"errors"
	"time"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/billing"
	"github.com/onairhq/onair/media/mediactl"
	"github.com/onairhq/onair/store"
)

// Live role changes (spec §6: "roles can change mid-session"). A join token carries the session
// role at issue time, so a staff or membership write that changes what memberSessionRole or
// personByJoinLink would now answer is pushed to the media node for whoever is connected.
// The push runs after the write has committed and never undoes it: someone not in the room, or
// no room on the node, is mediactl.ErrNotFound and normal; an unreachable node is logged, and
// the new role applies at the person's next join, whose token is derived afresh. A token
// issued before the write and first used after it gets the new role too: the media node
// remembers the change for jointoken.TTL (media/role_changes.go): a removal from the workspace
// for every session, any other change for its session if that had a room on the node when
// the change was pushed. A plan change that moves host rights is pushed
// by the billing workflow when it takes effect (activities/live_roles.go).
//
// Someone who loses every claim to the staff (an external speaker removed from the session, a
// team member removed from the workspace) is demoted to participant rather than disconnected:
// the control API changes roles, it does not kick, and a participant already has no stage
// right (their tracks stop being forwarded at once) nor any staff power. They cannot come back
// either — the speaker's link and the member's API keys are gone — and hosts may now kick them,
// as participants can be kicked and staff cannot.

// rolePushTimeout bounds one call to the media node, so a hung node delays a write by seconds
// at most.
const rolePushTimeout = 5 * time.Second

// pushRole tells ses's room that personID's session role is now role.
func (s *Server) pushRole(ctx context.Context, ses *store.Session, personID string, role authz.SessionRole) {
	if s.p.Media == nil || ses.Closed() {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rolePushTimeout)
	defer cancel()
	err := s.p.Media.SetRole(ctx, ses.ID, personID, string(role))
	log := s.p.Log.With("workspace", ses.WorkspaceID, "session", ses.ID, "person", personID, "role", role)
	switch {
	case err == nil:
		log.Info("session role changed live")
	case errors.Is(err, mediactl.ErrNotFound):
		// not connected, or no room yet: the next join token carries the role
	default:
		log.Warn("session role not pushed to the media node; it applies at the next join", "err", err)
	}
}

// roomSessions are workspace ws's sessions that filter keeps and that have a room on the media
// node now (live, or a green room before start): one control call however many sessions ws
// schedules.
func (s *Server) roomSessions(ctx context.Context, ws string, filter func(*bun.SelectQuery) *bun.SelectQuery) []*store.Session {
	if s.p.Media == nil {
		return nil
	}
	ctx = context.WithoutCancel(ctx)
	mctx, cancel := context.WithTimeout(ctx, rolePushTimeout)
	defer cancel()
	ids, err := s.p.Media.Rooms(mctx)
	if err != nil {
		s.p.Log.Warn("media node's rooms unknown; role changes apply at the next join", "workspace", ws, "err", err)
		return nil
	}
	if len(ids) == 0 {
		return nil
	}
	var sessions []*store.Session
	q := s.p.DB.NewSelect().Model(&sessions).Where("workspace_id = ?", ws).Where("id IN (?)", bun.In(ids))
	if err := filter(q).Scan(ctx); err != nil {
		s.p.Log.Warn("sessions of the media node's rooms unknown; role changes apply at the next join", "workspace", ws, "err", err)
		return nil
	}
	return sessions
}

// pushHostRights follows a change of m's host rights (the host licence) from before to after
// into the rooms of the sessions m is assigned to as host: the only ones where it moves m
// between host and moderator.
func (s *Server) pushHostRights(ctx context.Context, ws *store.Workspace, m *store.Membership, before, after authz.Subject) {
	was, now := authz.TeamSessionRole(true, before), authz.TeamSessionRole(true, after)
	if was == now {
		return
	}
	hosting := func(q *bun.SelectQuery) *bun.SelectQuery {
		return q.Where("id IN (?)", s.p.DB.NewSelect().Model((*store.SessionStaff)(nil)).Column("session_id").
			Where("member_id = ? AND role = ?", m.ID, store.StaffHost))
	}
	for _, ses := range s.roomSessions(ctx, ws.ID, hosting) {
		s.pushRole(ctx, ses, m.ID, now)
	}
}

// demoteRemovedMember takes a removed team member's staff powers away in every room they may
// be in (any team member may join any session of the workspace as a moderator), and in the
// rooms of later sessions for a join token they fetched before: one call, whatever the node.
func (s *Server) demoteRemovedMember(ctx context.Context, m *store.Membership) {
	if s.p.Media == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rolePushTimeout)
	defer cancel()
	log := s.p.Log.With("workspace", m.WorkspaceID, "member", m.ID)
	if err := s.p.Media.SetPersonRole(ctx, m.ID, string(authz.SessionParticipant)); err != nil {
		log.Warn("removed member's staff powers not withdrawn on the media node; their join tokens expire within minutes", "err", err)
		return
	}
	log.Info("removed member demoted in every room")
}

// pushStaffAdded applies st's assignment to its session: every team member was a moderator
// there already, so only a host with host rights changes role.
func (s *Server) pushStaffAdded(ctx context.Context, ws *store.Workspace, ses *store.Session, st *store.SessionStaff, m *store.Membership) {
	if m == nil {
		return // a new external speaker: nobody holds their person id yet
	}
	if role := authz.TeamSessionRole(st.Role == store.StaffHost, billing.MemberSubject(ws.Plan, m)); role != authz.SessionModerator {
		s.pushRole(ctx, ses, m.ID, role)
	}
}

// pushStaffRemoved applies st's removal from its session's staff: an external speaker becomes a
// participant (see above); a host with host rights drops to moderator, as every team member is.
func (s *Server) pushStaffRemoved(ctx context.Context, ws *store.Workspace, st *store.SessionStaff) {
	ctx = context.WithoutCancel(ctx)
	ses, err := store.Get[store.Session](ctx, s.p.DB, ws.ID, st.SessionID)
	if err != nil {
		s.p.Log.Warn("session of removed staff unknown; the role applies at the next join", "workspace", ws.ID, "staff", st.ID, "err", err)
		return
	}
	switch st.Role {
	case store.StaffSpeaker:
		s.pushRole(ctx, ses, st.ID, authz.SessionParticipant)
	case store.StaffHost:
		m, err := store.Get[store.Membership](ctx, s.p.DB, ws.ID, st.MemberID)
		if errors.Is(err, store.ErrNotFound) {
			return // removed from the workspace: demoted then
		}
		if err != nil {
			s.p.Log.Warn("member of removed staff unknown; the role applies at the next join", "workspace", ws.ID, "member", st.MemberID, "err", err)
			return
		}
		if authz.TeamSessionRole(true, billing.MemberSubject(ws.Plan, m)) == authz.SessionHost {
			s.pushRole(ctx, ses, m.ID, authz.SessionModerator)
		}
	}
}
