package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// Who hosts a session (spec §4): a team member assigned to it as host, and, unless assigned
// to it otherwise, the person who created its event and the workspace's owner. Without the
// second rule the organizer who creates an event and opens its room is a moderator there and
// cannot start, end or record their own session until they assign themselves.
// Host rights (the plan and the host licence) still decide whether a host is one in the room:
// authz.TeamSessionRole.

// IsSessionHost reports whether member m hosts ses: assigned as host, or, with no assignment
// in ses at all, its event's creator or the workspace's owner.
func IsSessionHost(ctx context.Context, db bun.IDB, ses *Session, m *Membership) (bool, error) {
	role, err := staffRoleOf(ctx, db, ses.ID, m.ID)
	if err != nil || role != "" {
		return role == StaffHost, err
	}
	return HostsByDefault(ctx, db, ses, m)
}

// HostsByDefault reports whether member m would host ses without being assigned to it: the
// event's creator or the workspace's owner.
func HostsByDefault(ctx context.Context, db bun.IDB, ses *Session, m *Membership) (bool, error) {
	if m.Role == RoleOwner {
		return true, nil
	}
	ok, err := db.NewSelect().Model((*Event)(nil)).
		Where("id = ? AND workspace_id = ? AND created_by = ?", ses.EventID, ses.WorkspaceID, m.UserID).Exists(ctx)
	if err != nil {
		return false, fmt.Errorf("did %s create the event of %s: %w", m.ID, ses.ID, err)
	}
	return ok, nil
}

// staffRoleOf is member memberID's staff role in sessionID, "" when not assigned to it.
func staffRoleOf(ctx context.Context, db bun.IDB, sessionID, memberID string) (string, error) {
	var roles []string
	err := db.NewSelect().Model((*SessionStaff)(nil)).Column("role").
		Where("session_id = ? AND member_id = ?", sessionID, memberID).Scan(ctx, &roles)
	if err != nil {
		return "", fmt.Errorf("staff role of %s in %s: %w", memberID, sessionID, err)
	}
	for _, r := range roles {
		if r == StaffHost {
			return r, nil
		}
	}
	if len(roles) > 0 {
		return roles[0], nil
	}
	return "", nil
}

// DefaultHosts lists, for each of sessionIDs of workspace ws, the team members who host it
// without an assignment there (its event's creator, the workspace's owner): with
// AssignedHosts, every member whose session role moves when their host rights change.
func DefaultHosts(ctx context.Context, db bun.IDB, ws string, sessionIDs []string) ([]AssignedHost, error) {
	if len(sessionIDs) == 0 {
		return nil, nil
	}
	var hosts []AssignedHost
	assigned := db.NewSelect().TableExpr("session_staff AS st").ColumnExpr("1").
		Where("st.session_id = s.id AND st.member_id = m.id")
	err := db.NewSelect().TableExpr("sessions AS s").ColumnExpr("s.id AS session_id").ColumnExpr("m.*").
		Join("JOIN events AS e ON e.id = s.event_id AND e.workspace_id = s.workspace_id").
		Join("JOIN memberships AS m ON m.workspace_id = s.workspace_id AND (m.role = ? OR m.user_id = e.created_by)", RoleOwner).
		Where("s.workspace_id = ?", ws).Where("s.id IN (?)", bun.In(sessionIDs)).
		Where("NOT EXISTS (?)", assigned).
		OrderExpr("s.id, m.id").Scan(ctx, &hosts)
	if err != nil {
		return nil, fmt.Errorf("default hosts of %d sessions of %s: %w", len(sessionIDs), ws, err)
	}
	return hosts, nil
}
