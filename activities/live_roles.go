package activities

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

// rolePushTimeout bounds the media node's part of a plan change, so a hung node delays the
// billing workflow by seconds at most.
const rolePushTimeout = 10 * time.Second

// pushPlanHostRights carries a plan change into the live rooms (spec §6: roles change
// mid-session). On a contacts plan every team member has host rights; on a seats plan only
// licence holders do (spec §1). So a change between the two pricing models moves the members
// assigned as host of a session whose room is open between host and moderator. The API
// pushes member and staff writes the same way (api/live_roles.go).
//
// It is best effort, as those pushes are. The plan change stands whatever the node answers;
// someone not connected is no error; the next join token carries the new role anyway.
func (a *Activities) pushPlanHostRights(ctx context.Context, ws *store.Workspace, oldPlan string) {
	if a.Media == nil || billing.PlanOf(oldPlan).Pricing == billing.PlanOf(ws.Plan).Pricing {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, rolePushTimeout)
	defer cancel()
	log := a.Log.With("workspace", ws.ID, "plan", ws.Plan)
	rooms, err := a.Media.Rooms(ctx)
	if err != nil || len(rooms) == 0 {
		if err != nil {
			log.Warn("media node's rooms unknown; host rights change at the next join", "err", err)
		}
		return
	}
	var hosts []struct {
		SessionID string
		store.Membership
	}
	err = a.DB.NewSelect().TableExpr("session_staff AS st").ColumnExpr("st.session_id").ColumnExpr("m.*").
		Join("JOIN memberships AS m ON m.id = st.member_id AND m.workspace_id = st.workspace_id").
		Where("st.workspace_id = ? AND st.role = ?", ws.ID, store.StaffHost).
		Where("st.session_id IN (?)", bun.In(rooms)).Scan(ctx, &hosts)
	if err != nil {
		log.Warn("hosts of the open rooms unknown; host rights change at the next join", "err", err)
		return
	}
	for _, h := range hosts {
		was := authz.TeamSessionRole(true, billing.MemberSubject(oldPlan, &h.Membership))
		now := authz.TeamSessionRole(true, billing.MemberSubject(ws.Plan, &h.Membership))
		if was == now {
			continue
		}
		err := a.Media.SetRole(ctx, h.SessionID, h.ID, string(now))
		switch {
		case err == nil:
			log.Info("session role changed live", "session", h.SessionID, "member", h.ID, "role", now)
		case errors.Is(err, mediactl.ErrNotFound): // not connected
		default:
			log.Warn("session role not pushed to the media node; it applies at the next join", "session", h.SessionID, "member", h.ID, "err", err)
		}
	}
}
