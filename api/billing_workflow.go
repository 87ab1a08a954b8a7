package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/onairhq/onair/billing"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/workflows/contract"
)

// updateWait bounds how long a request waits for the workflow; Temporal keeps
// retrying the provider after that, and GET /v1/billing shows the outcome.
const updateWait = 30 * time.Second

// updateSubscription starts the workspace's Subscription workflow if needed
// (seeded from the billing copy) and runs one update on it.
func (s *billingAPI) updateSubscription(ctx context.Context, ws *store.Workspace, name string, args ...any) (contract.SubscriptionState, error) {
	var st contract.SubscriptionState
	acc, err := store.GetBillingAccount(ctx, s.db, ws.ID)
	if err != nil {
		return st, err
	}
	ctx, cancel := context.WithTimeout(ctx, updateWait)
	defer cancel()
	err = s.lifecycle.updateWithStart(ctx, s.subscriptionStart(ws), contract.SubscriptionWorkflow, contract.SubscriptionInput{
		WorkspaceID: ws.ID, Plan: ws.Plan, Seats: acc.Seats, SubscriptionID: acc.SubscriptionID, CustomerID: ws.StripeCustomerID},
		name, args, &st)
	if err != nil {
		s.log.WarnContext(ctx, "subscription update failed", "workspace", ws.ID, "update", name, "err", err)
		return st, billingProblem(err)
	}
	s.log.InfoContext(ctx, "subscription updated", "workspace", ws.ID, "update", name, "plan", st.Plan)
	return st, nil
}

func (s *billingAPI) subscriptionStart(ws *store.Workspace) client.StartWorkflowOptions {
	return client.StartWorkflowOptions{ID: contract.SubscriptionWorkflowID(ws.ID),
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		TypedSearchAttributes:    temporal.NewSearchAttributes(contract.WorkspaceKey.ValueSet(ws.ID)),
		StaticSummary:            "Billing of " + ws.Name}
}

// billingProblem turns a provider or workflow refusal into a problem: a
// declined card is a 402 with the issuer's reason, a validator's refusal a 422.
func billingProblem(err error) error {
	var app *temporal.ApplicationError
	var declined *billing.CardDeclinedError
	switch {
	case errors.As(err, &declined):
		return cardDeclined(declined.Reason, declined.Message)
	case errors.As(err, &app) && app.Type() == billing.ErrTypeCardDeclined:
		var reason string
		_ = app.Details(&reason)
		return cardDeclined(reason, app.Message())
	case errors.As(err, &app) && app.Type() == billing.ErrTypeBillingRefused:
		return problem(http.StatusBadGateway, "billing-refused", "Payment provider refused the request", app.Message())
	case errors.Is(err, context.DeadlineExceeded):
		return problem(http.StatusServiceUnavailable, "billing-pending", "Billing change still in progress",
			"the payment provider is slow; the change will be applied exactly once, GET /v1/billing shows when")
	case errors.As(err, &app):
		return unprocessable("", app.Message())
	}
	return err
}

func cardDeclined(reason, message string) *Problem {
	p := problem(http.StatusPaymentRequired, "card-declined", "Card declined", fmt.Sprintf("%s: %s", reason, message))
	p.Field = "payment_method"
	return p
}

// licenceFits refuses a host licence beyond those bought on a subscribed
// seats plan (spec §1: each licence is one paid seat). On contacts plans the
// flag has no effect and is not counted.
func (s *base) licenceFits(ctx context.Context, ws *store.Workspace, m *store.Membership, had bool) error {
	if !m.HostLicence || had || billing.PlanOf(ws.Plan).Pricing != billing.PricingSeats {
		return nil
	}
	acc, err := store.GetBillingAccount(ctx, s.db, ws.ID)
	if err != nil || acc.SubscriptionID == "" {
		// No subscription: the plan was set by an operator, not bought, and
		// there is no seat count to hold licences to.
		return err
	}
	n, err := store.CountLicences(ctx, s.db, ws.ID)
	if err != nil {
		return err
	}
	if n+1 > acc.Seats {
		return unprocessable("host_licence", fmt.Sprintf("limit host_licences: all %d host licence(s) bought are assigned; buy more with PUT /v1/billing/seats", acc.Seats))
	}
	return nil
}
