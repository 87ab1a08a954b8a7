// Package liveroles carries changes of who may do what into the live rooms on the media nodes
// (spec §6: "roles can change mid-session"). The API calls it after staff and membership
// writes, the billing activity after a plan change that moves host rights; both go through
// the same rules here.
//
// A join token carries the session role at issue time, so a write that changes what the API
// would now put in a token (the member's or speaker's session role) is pushed to the media
// node for whoever is connected. The push runs after the write has committed and never undoes
// it: it is detached from the caller's cancellation, bounded by Timeout, and best effort. The
// one rule for every answer of the node: someone not in the room, or no room open, is
// mediactl.ErrNotFound and normal (logged at debug level); an unreachable node is logged as a
// warning. Either way the new role applies at the person's next join, whose token is derived
// afresh. A token issued before the write and first used after it gets the new role too: the
// media node remembers the change for jointoken.TTL (media/role_changes.go), a removal from the
// workspace for every session, any other change for its session if that had a room on the
// node when the change was pushed.
//
// Someone who loses every claim to the staff (an external speaker removed from the session, a
// team member removed from the workspace) is demoted to participant rather than disconnected:
// the control API changes roles, it does not kick, and a participant already has no stage
// right (their tracks stop being forwarded at once) nor any staff power. They cannot come back
// either (the speaker's link and the member's API keys are gone), and hosts may now kick them,
// as participants can be kicked and staff cannot.
package liveroles

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/billing"
	"github.com/onairhq/onair/media/mediactl"
	"github.com/onairhq/onair/media/placement"
	"github.com/onairhq/onair/store"
)

// Timeout bounds one change's push (its store reads and every call to the media node), so a
// hung node delays the write or plan change that caused it by seconds at most.
const Timeout = 5 * time.Second

// Pusher pushes role changes to the rooms on the media nodes. A nil media (no media secret
// configured) makes every push a no-op.
type Pusher struct {
	db    bun.IDB
	media *placement.Nodes
	log   *slog.Logger
}

// New builds a Pusher reading the store through db and calling the nodes through media.
func New(db bun.IDB, media *placement.Nodes, log *slog.Logger) *Pusher {
	if log == nil {
		log = slog.Default()
	}
	return &Pusher{db: db, media: media, log: log}
}

// bound detaches ctx from the caller's cancellation (the write it follows has committed) and
// bounds it by Timeout.
func bound(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), Timeout)
}

// set tells sessionID's room that personID's session role is now role, and logs the outcome
// by the package's one rule.
func (p *Pusher) set(ctx context.Context, log *slog.Logger, sessionID, personID string, role authz.SessionRole) {
	node, err := p.media.ForRoom(ctx, sessionID)
	if err == nil {
		err = node.SetRole(ctx, sessionID, personID, string(role))
	}
	log = log.With("session", sessionID, "person", personID, "role", role)
	switch {
	case err == nil:
		log.Info("session role changed live")
	case errors.Is(err, mediactl.ErrNotFound):
		log.Debug("nobody to change in the room (not connected, or no room open); the role applies at the next join", "err", err)
	default:
		log.Warn("session role not pushed to the media node; it applies at the next join", "err", err)
	}
}

// push is set for a session known to the caller: a closed session has no room to tell.
func (p *Pusher) push(ctx context.Context, ses *store.Session, personID string, role authz.SessionRole) {
	if ses.Closed() {
		return
	}
	p.set(ctx, p.log.With("workspace", ses.WorkspaceID), ses.ID, personID, role)
}

// moveHosts pushes the new session role of every member hosting a session of ws (assigned, or
// by default: store.DefaultHosts) whose room is open on the node, for whom roleOf says the
// role moves.
func (p *Pusher) moveHosts(ctx context.Context, ws *store.Workspace, roleOf func(*store.AssignedHost) (authz.SessionRole, bool)) {
	if p.media == nil {
		return
	}
	ctx, cancel := bound(ctx)
	defer cancel()
	log := p.log.With("workspace", ws.ID)
	rooms, err := p.openRooms(ctx)
	if err != nil {
		log.Warn("media nodes' rooms unknown; role changes apply at the next join", "err", err)
		return
	}
	hosts, err := store.AssignedHosts(ctx, p.db, ws.ID, rooms)
	if err == nil {
		var byDefault []store.AssignedHost
		byDefault, err = store.DefaultHosts(ctx, p.db, ws.ID, rooms)
		hosts = append(hosts, byDefault...)
	}
	if err != nil {
		log.Warn("hosts of the open rooms unknown; role changes apply at the next join", "err", err)
		return
	}
	for i := range hosts {
		if role, moves := roleOf(&hosts[i]); moves {
			p.set(ctx, log, hosts[i].SessionID, hosts[i].ID, role)
		}
	}
}

// HostRightsChanged follows a change of m's host rights (the host licence) from before to
// after into the open rooms of the sessions m hosts (assigned, or as the event's creator or the
// owner): the only ones where it moves m between host and moderator.
func (p *Pusher) HostRightsChanged(ctx context.Context, ws *store.Workspace, m *store.Membership, before, after authz.Subject) {
	was, now := authz.TeamSessionRole(true, before), authz.TeamSessionRole(true, after)
	if was == now {
		return
	}
	p.moveHosts(ctx, ws, func(h *store.AssignedHost) (authz.SessionRole, bool) { return now, h.ID == m.ID })
}

// PlanChanged follows ws's plan change from oldPlan into the open rooms. On a contacts plan
// every team member has host rights; on a seats plan only licence holders do (spec §1). So a
// change between the two pricing models moves the members hosting a session between host and
// moderator; a change within one model moves nobody.
func (p *Pusher) PlanChanged(ctx context.Context, ws *store.Workspace, oldPlan string) {
	if billing.PlanOf(oldPlan).Pricing == billing.PlanOf(ws.Plan).Pricing {
		return
	}
	p.moveHosts(ctx, ws, func(h *store.AssignedHost) (authz.SessionRole, bool) {
		was := authz.TeamSessionRole(true, billing.MemberSubject(oldPlan, &h.Membership))
		now := authz.TeamSessionRole(true, billing.MemberSubject(ws.Plan, &h.Membership))
		return now, was != now
	})
}

// StaffAdded applies st's assignment to its session ses; m is the assigned team member (nil
// for an external speaker, whose person id nobody holds yet). A team member was a moderator
// there already, or a host by default (the event's creator, the owner: store.HostsByDefault),
// so only a change between the two is pushed.
func (p *Pusher) StaffAdded(ctx context.Context, ws *store.Workspace, ses *store.Session, st *store.SessionStaff, m *store.Membership) {
	if p.media == nil || m == nil {
		return
	}
	ctx, cancel := bound(ctx)
	defer cancel()
	byDefault, err := store.HostsByDefault(ctx, p.db, ses, m)
	if err != nil {
		p.log.Warn("member's role before the assignment unknown; it applies at the next join", "workspace", ws.ID, "member", m.ID, "err", err)
		return
	}
	subject := billing.MemberSubject(ws.Plan, m)
	was, now := authz.TeamSessionRole(byDefault, subject), authz.TeamSessionRole(st.Role == store.StaffHost, subject)
	if was != now {
		p.push(ctx, ses, m.ID, now)
	}
}

// StaffRemoved applies st's removal from its session's staff: an external speaker becomes a
// participant (see the package comment); a team member falls back to their role without an
// assignment: moderator, or host for the event's creator and the owner (store.HostsByDefault).
func (p *Pusher) StaffRemoved(ctx context.Context, ws *store.Workspace, st *store.SessionStaff) {
	if p.media == nil {
		return
	}
	ctx, cancel := bound(ctx)
	defer cancel()
	log := p.log.With("workspace", ws.ID)
	ses, err := store.Get[store.Session](ctx, p.db, ws.ID, st.SessionID)
	if err != nil {
		log.Warn("session of removed staff unknown; the role applies at the next join", "staff", st.ID, "err", err)
		return
	}
	switch st.Role {
	case store.StaffSpeaker:
		p.push(ctx, ses, st.ID, authz.SessionParticipant)
	case store.StaffHost, store.StaffModerator:
		m, err := store.Get[store.Membership](ctx, p.db, ws.ID, st.MemberID)
		if errors.Is(err, store.ErrNotFound) {
			return // removed from the workspace: demoted then
		}
		if err != nil {
			log.Warn("member of removed staff unknown; the role applies at the next join", "member", st.MemberID, "err", err)
			return
		}
		byDefault, err := store.HostsByDefault(ctx, p.db, ses, m)
		if err != nil {
			log.Warn("member's role after the removal unknown; it applies at the next join", "member", m.ID, "err", err)
			return
		}
		subject := billing.MemberSubject(ws.Plan, m)
		was, now := authz.TeamSessionRole(st.Role == store.StaffHost, subject), authz.TeamSessionRole(byDefault, subject)
		if was != now {
			p.push(ctx, ses, m.ID, now)
		}
	}
}

// MemberRemoved takes a removed team member's staff powers away in every room they may be in
// (any team member may join any session of the workspace as a moderator), and in the rooms of
// later sessions for a join token they fetched before: one call, whatever the node holds.
func (p *Pusher) MemberRemoved(ctx context.Context, m *store.Membership) {
	if p.media == nil {
		return
	}
	ctx, cancel := bound(ctx)
	defer cancel()
	log := p.log.With("workspace", m.WorkspaceID, "person", m.ID)
	nodes, err := p.media.Alive(ctx)
	if err != nil {
		log.Warn("media nodes unknown: removed member's staff powers not withdrawn; their join tokens expire within minutes", "err", err)
		return
	}
	demoted := 0
	for _, node := range nodes {
		if err := node.SetPersonRole(ctx, m.ID, string(authz.SessionParticipant)); err != nil {
			log.Warn("removed member's staff powers not withdrawn on a media node; their join tokens expire within minutes", "err", err)
			continue
		}
		demoted++
	}
	log.Info("removed member demoted in every room", "nodes", demoted)
}

// openRooms lists the sessions with a room open on any live media node.
func (p *Pusher) openRooms(ctx context.Context) ([]string, error) {
	nodes, err := p.media.Alive(ctx)
	if err != nil {
		return nil, err
	}
	var rooms []string
	for _, node := range nodes {
		ids, err := node.Rooms(ctx)
		if err != nil {
			return nil, err
		}
		rooms = append(rooms, ids...)
	}
	return rooms, nil
}
