package api

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/billing"
	"github.com/onairhq/onair/store"
)

// teamHasRoom enforces the plan's max_hosts where it bites: on a contacts plan every admin and
// member has host rights (spec §1), so the bound is the team's size. Pending, unexpired
// invitations hold a place too, so inviting can never promise more seats than the plan has;
// accepting counts members only (the invitation being accepted held its place). Seats plans
// are bounded by the licences bought instead (licenceFits).
func teamHasRoom(ctx context.Context, db bun.IDB, ws *store.Workspace, countInvitations bool) error {
	plan := billing.PlanOf(ws.Plan)
	if plan.Pricing != billing.PricingContacts || plan.MaxHosts == 0 {
		return nil
	}
	members, err := store.Count[store.Membership](ctx, db, ws.ID)
	if err != nil {
		return err
	}
	var pending int
	if countInvitations {
		if pending, err = store.CountPendingInvitations(ctx, db, ws.ID); err != nil {
			return err
		}
	}
	if members+pending >= plan.MaxHosts {
		return unprocessable("plan", fmt.Sprintf(
			"limit max_hosts: the %s plan allows %d hosts; the team has %d members and %d pending invitations. Upgrade the plan or revoke an invitation",
			plan.Name, plan.MaxHosts, members, pending))
	}
	return nil
}
