package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// AddSessionStaff assigns st to its session. When notify is not empty, the e-mail of that kind
// (an external speaker's invitation) is queued to st in the same transaction, so the relay
// sends it exactly when the assignment exists. ErrConflict: the address is on the staff already.
func AddSessionStaff(ctx context.Context, db bun.IDB, st *SessionStaff, notify string) error {
	return InTx(ctx, db, func(ctx context.Context, tx bun.IDB) error {
		if err := Insert(ctx, tx, st); err != nil {
			return err
		}
		if notify == "" {
			return nil
		}
		return QueueDelivery(ctx, tx, st.WorkspaceID, st.SessionID, st.ID, notify)
	})
}

// IsAssignedHost reports whether member memberID is assigned as host of sessionID.
func IsAssignedHost(ctx context.Context, db bun.IDB, sessionID, memberID string) (bool, error) {
	ok, err := db.NewSelect().Model((*SessionStaff)(nil)).
		Where("session_id = ? AND member_id = ? AND role = ?", sessionID, memberID, StaffHost).Exists(ctx)
	if err != nil {
		return false, fmt.Errorf("is %s host of %s: %w", memberID, sessionID, err)
	}
	return ok, nil
}

// AssignedHost is a team member assigned as host of one session.
type AssignedHost struct {
	SessionID string
	Membership
}

// AssignedHosts lists the team members of workspace ws assigned as host of any of sessionIDs,
// once per session they host: whose session role moves between host and moderator when their
// host rights change.
func AssignedHosts(ctx context.Context, db bun.IDB, ws string, sessionIDs []string) ([]AssignedHost, error) {
	if len(sessionIDs) == 0 {
		return nil, nil
	}
	var hosts []AssignedHost
	err := db.NewSelect().TableExpr("session_staff AS st").ColumnExpr("st.session_id").ColumnExpr("m.*").
		Join("JOIN memberships AS m ON m.id = st.member_id AND m.workspace_id = st.workspace_id").
		Where("st.workspace_id = ? AND st.role = ?", ws, StaffHost).
		Where("st.session_id IN (?)", bun.In(sessionIDs)).
		OrderExpr("st.session_id, m.id").Scan(ctx, &hosts)
	if err != nil {
		return nil, fmt.Errorf("hosts of %d sessions of %s: %w", len(sessionIDs), ws, err)
	}
	return hosts, nil
}

// SessionSpeakers returns a session's external speakers.
func SessionSpeakers(ctx context.Context, db bun.IDB, sessionID string) ([]SessionStaff, error) {
	var rows []SessionStaff
	err := db.NewSelect().Model(&rows).Where("session_id = ?", sessionID).Where("role = ?", StaffSpeaker).
		OrderExpr("id ASC").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("speakers of %s: %w", sessionID, err)
	}
	return rows, nil
}
