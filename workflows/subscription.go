package workflows

import (
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/onairhq/onair/activities"
	"github.com/onairhq/onair/billing"
	"github.com/onairhq/onair/workflows/contract"
)

// Names of the Subscription workflow's handlers.
const (
	ChangePlanUpdate  = contract.ChangePlanUpdate
	SetSeatsUpdate    = contract.SetSeatsUpdate
	CancelPlanUpdate  = contract.CancelPlanUpdate
	ResumePlanUpdate  = contract.ResumePlanUpdate
	StripeEventSignal = contract.StripeEventSignal
	SubscriptionQuery = contract.SubscriptionQuery
)

// Dunning timeline: reminders during the grace period, then suspension.
var (
	DunningGrace     = 7 * 24 * time.Hour
	DunningReminders = []time.Duration{3 * 24 * time.Hour, 6 * 24 * time.Hour}
)

// maxHandledPerRun bounds one run's history: after this many signals and
// updates the workflow continues as new (or sooner when Temporal suggests it).
const maxHandledPerRun = 500

// SubscriptionWorkflowID is the one workflow per workspace.
func SubscriptionWorkflowID(workspaceID string) string {
	return contract.SubscriptionWorkflowID(workspaceID)
}

// SubscriptionInput starts (or continues) a workspace's Subscription. State is
// set when continuing as new; otherwise Plan and Seats seed it.
type SubscriptionInput = contract.SubscriptionInput

// SubscriptionState is everything the workflow knows, readable by query.
type SubscriptionState = contract.SubscriptionState

// ChangePlanRequest moves to another plan; Seats is the licence count when the
// target is a seats plan (at least 1).
type ChangePlanRequest = contract.ChangePlanRequest

// SetSeatsRequest sets the number of host licences of a seats plan.
type SetSeatsRequest = contract.SetSeatsRequest

// Subscription runs a workspace's billing for its whole life.
func Subscription(ctx workflow.Context, in SubscriptionInput) (SubscriptionState, error) {
	w := &subscription{}
	if in.State != nil {
		w.st = *in.State
		w.st.Handled = 0
	} else {
		w.st = SubscriptionState{WorkspaceID: in.WorkspaceID, Plan: in.Plan, Seats: in.Seats,
			SubscriptionID: in.SubscriptionID, CustomerID: in.CustomerID}
		if w.st.Plan == "" {
			w.st.Plan = billing.FreePlanID
		}
	}
	if err := w.setup(ctx); err != nil {
		return w.st, err
	}
	return w.run(ctx)
}

type subscription struct {
	st    SubscriptionState
	lock  workflow.Mutex
	inbox []billing.Event
	dirty bool
}

func (w *subscription) key(ctx workflow.Context, op string) string {
	w.st.Seq++
	return fmt.Sprintf("%s/%s/%d", SubscriptionWorkflowID(w.st.WorkspaceID), op, w.st.Seq)
}

func (w *subscription) setup(ctx workflow.Context) error {
	w.lock = workflow.NewMutex(ctx)
	if err := workflow.SetQueryHandler(ctx, SubscriptionQuery, func() (SubscriptionState, error) { return w.st, nil }); err != nil {
		return err
	}
	handlers := []struct {
		name     string
		handler  any
		validate any
	}{
		{ChangePlanUpdate, w.changePlan, w.validateChangePlan},
		{SetSeatsUpdate, w.setSeats, w.validateSetSeats},
		{CancelPlanUpdate, w.cancel, func() error { return w.validateCancel(true) }},
		{ResumePlanUpdate, w.resume, func() error { return w.validateCancel(false) }},
		{EnsureCustomerUpdate, w.ensureCustomer, func() error { return nil }},
		{SetAddressUpdate, w.setAddress, func(SetAddressRequest) error { return nil }},
	}
	for _, h := range handlers {
		if err := workflow.SetUpdateHandlerWithOptions(ctx, h.name, h.handler, workflow.UpdateHandlerOptions{Validator: h.validate}); err != nil {
			return err
		}
	}
	events := workflow.GetSignalChannel(ctx, StripeEventSignal)
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			var ev billing.Event
			events.Receive(ctx, &ev)
			w.inbox = append(w.inbox, ev)
		}
	})
	return nil
}

func (w *subscription) run(ctx workflow.Context) (SubscriptionState, error) {
	for {
		wake := func() bool { return len(w.inbox) > 0 || w.dirty }
		if next := w.nextDeadline(); next.IsZero() {
			if err := workflow.Await(ctx, wake); err != nil {
				return w.st, err
			}
		} else if wait := next.Sub(workflow.Now(ctx)); wait > 0 {
			if _, err := workflow.AwaitWithTimeout(ctx, wait, wake); err != nil {
				return w.st, err
			}
		}
		if err := w.lock.Lock(ctx); err != nil {
			return w.st, err
		}
		w.dirty = false
		err := w.step(ctx)
		w.lock.Unlock()
		if err != nil {
			// A refused provider call is not retried by Temporal; wait before
			// trying the due step again rather than spinning on it.
			workflow.GetLogger(ctx).Error("subscription step failed", "workspace", w.st.WorkspaceID, "error", err)
			if err := workflow.Sleep(ctx, time.Hour); err != nil {
				return w.st, err
			}
		}
		if w.st.Handled >= maxHandledPerRun || workflow.GetInfo(ctx).GetContinueAsNewSuggested() {
			if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
				return w.st, err
			}
			if len(w.inbox) > 0 {
				continue // events that came while handlers finished go to this run
			}
			return w.st, workflow.NewContinueAsNewError(ctx, Subscription, SubscriptionInput{WorkspaceID: w.st.WorkspaceID, State: &w.st})
		}
	}
}

// step handles waiting events, then whatever deadline has come.
func (w *subscription) step(ctx workflow.Context) error {
	for len(w.inbox) > 0 {
		ev := w.inbox[0]
		w.inbox = w.inbox[1:]
		w.st.Handled++
		if err := w.onEvent(ctx, ev); err != nil {
			return err
		}
	}
	now := workflow.Now(ctx)
	if w.st.PendingPlan != "" && !w.st.CurrentPeriodEnd.IsZero() && !now.Before(w.st.CurrentPeriodEnd) {
		if err := w.applyPendingPlan(ctx); err != nil {
			return err
		}
	}
	return w.dunning(ctx, now)
}

// nextDeadline is the earliest timer the workflow needs: a plan change at
// period end, or the next dunning step.
func (w *subscription) nextDeadline() time.Time {
	var next time.Time
	earliest := func(t time.Time) {
		if !t.IsZero() && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	if w.st.PendingPlan != "" {
		earliest(w.st.CurrentPeriodEnd)
	}
	if !w.st.DunningSince.IsZero() && !w.st.Suspended {
		if w.st.RemindersSent < len(DunningReminders) {
			earliest(w.st.DunningSince.Add(DunningReminders[w.st.RemindersSent]))
		} else {
			earliest(w.st.DunningSince.Add(DunningGrace))
		}
	}
	return next
}

func providerOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute,
			NonRetryableErrorTypes: []string{billing.ErrTypeCardDeclined, billing.ErrTypeBillingRefused}},
	})
}

// adopt takes the provider's view of the subscription as the truth.
func (w *subscription) adopt(sub billing.Subscription) {
	w.st.SubscriptionID, w.st.Status = sub.ID, sub.Status
	w.st.CancelAtPeriodEnd, w.st.CurrentPeriodEnd = sub.CancelAtPeriodEnd, sub.CurrentPeriodEnd
	if billing.PlanOf(w.st.Plan).Pricing == billing.PricingSeats && sub.Quantity > 0 {
		w.st.Seats = int(sub.Quantity)
	}
	if sub.Status == "canceled" {
		w.st.Plan, w.st.PendingPlan, w.st.SubscriptionID, w.st.CancelAtPeriodEnd = billing.FreePlanID, "", "", false
		w.st.Seats = 0
	}
}

func (w *subscription) save(ctx workflow.Context) error {
	in := activities.SaveBillingStateInput{WorkspaceID: w.st.WorkspaceID, Plan: w.st.Plan, PendingPlan: w.st.PendingPlan,
		SubscriptionID: w.st.SubscriptionID, Status: w.st.Status, Seats: w.st.Seats, CancelAtPeriodEnd: w.st.CancelAtPeriodEnd,
		CurrentPeriodEnd: w.st.CurrentPeriodEnd, DunningSince: w.st.DunningSince}
	return workflow.ExecuteActivity(providerOptions(ctx), a.SaveBillingState, in).Get(ctx, nil)
}

// onEvent re-reads the subscription a webhook event is about: the event only
// says "something changed", so late or duplicated events cannot roll state back.
func (w *subscription) onEvent(ctx workflow.Context, ev billing.Event) error {
	id := ev.SubscriptionID
	if id == "" {
		id = w.st.SubscriptionID
	}
	if id == "" || (w.st.SubscriptionID != "" && id != w.st.SubscriptionID) {
		return nil // not the current subscription (e.g. an old one's late event)
	}
	var sub billing.Subscription
	if err := workflow.ExecuteActivity(providerOptions(ctx), a.FetchSubscription, activities.FetchSubscriptionInput{SubscriptionID: id}).Get(ctx, &sub); err != nil {
		return err
	}
	w.adopt(sub)
	return w.save(ctx)
}

// applyPendingPlan carries out a downgrade or cancellation at period end.
func (w *subscription) applyPendingPlan(ctx workflow.Context) error {
	target := w.st.PendingPlan
	var sub billing.Subscription
	if target == billing.FreePlanID {
		err := workflow.ExecuteActivity(providerOptions(ctx), a.EndSubscription,
			activities.EndSubscriptionInput{SubscriptionID: w.st.SubscriptionID, IdempotencyKey: w.key(ctx, "end")}).Get(ctx, &sub)
		var app *temporal.ApplicationError
		if errors.As(err, &app) && app.Type() == billing.ErrTypeBillingRefused {
			// Stripe already ended it (cancel_at_period_end); converge on its state.
			sub = billing.Subscription{ID: w.st.SubscriptionID, Status: "canceled"}
		} else if err != nil {
			return err
		}
		w.adopt(sub)
		w.st.Plan, w.st.PendingPlan, w.st.Status = billing.FreePlanID, "", "canceled"
		return w.save(ctx)
	}
	in := activities.ChangeSubscriptionInput{SubscriptionID: w.st.SubscriptionID, Plan: target, Seats: int64(w.quantity(target, w.st.Seats)),
		IdempotencyKey: w.key(ctx, "downgrade")}
	if err := workflow.ExecuteActivity(providerOptions(ctx), a.ChangeSubscription, in).Get(ctx, &sub); err != nil {
		return err
	}
	w.st.Plan, w.st.PendingPlan = target, ""
	w.adopt(sub)
	return w.save(ctx)
}

// quantity is the subscription item's quantity on plan: the licences of a
// seats plan, 1 otherwise.
func (w *subscription) quantity(plan string, seats int) int {
	if billing.PlanOf(plan).Pricing == billing.PricingSeats {
		return max(seats, 1)
	}
	return 1
}
