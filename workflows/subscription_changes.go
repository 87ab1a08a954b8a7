package workflows

import (
	"errors"
	"fmt"

	"go.temporal.io/sdk/workflow"

	"github.com/onairhq/onair/activities"
	"github.com/onairhq/onair/billing"
	"github.com/onairhq/onair/workflows/contract"
)

// Refusals of the Subscription workflow's update validators.
var (
	ErrUnknownPlan     = errors.New("unknown plan")
	ErrSamePlan        = errors.New("the workspace is already on this plan")
	ErrNotSeatsPlan    = errors.New("host licences are bought only on a seats plan")
	ErrBadSeats        = errors.New("seats must be at least 1")
	ErrNoPaidPlan      = errors.New("the workspace has no paid subscription")
	ErrAlreadyCanceled = errors.New("the subscription already ends at period end")
	ErrNotCanceled     = errors.New("the subscription is not set to end")
)

// monthlyCost compares plans: the upgrade is the change that costs more now.
func monthlyCost(plan string, seats int) int64 {
	p := billing.PlanOf(plan)
	if p.Pricing == billing.PricingSeats {
		return p.MonthlyPriceCents * int64(max(seats, 1))
	}
	return p.MonthlyPriceCents
}

func (w *subscription) paid() bool {
	return w.st.SubscriptionID != "" && w.st.Plan != billing.FreePlanID
}

func (w *subscription) validateChangePlan(req ChangePlanRequest) error {
	p, ok := billing.PlanByID(req.Plan)
	if !ok {
		return fmt.Errorf("%w %q", ErrUnknownPlan, req.Plan)
	}
	if req.Seats < 0 || (p.Pricing == billing.PricingSeats && req.Seats == 0) {
		return ErrBadSeats
	}
	if req.Plan == w.st.Plan && w.st.PendingPlan == "" {
		return ErrSamePlan
	}
	return nil
}

// changePlan upgrades at once (charging the prorated difference) or schedules
// a downgrade for the end of the period already paid for.
func (w *subscription) changePlan(ctx workflow.Context, req ChangePlanRequest) (SubscriptionState, error) {
	if err := w.lock.Lock(ctx); err != nil {
		return w.st, err
	}
	defer w.lock.Unlock()
	w.st.Handled++
	defer func() { w.dirty = true }()
	seats := w.quantity(req.Plan, req.Seats)
	switch {
	case req.Plan == w.st.Plan: // back to the current plan: drop the scheduled change
		return w.st, w.setCancel(ctx, false)
	case !w.paid():
		if req.Plan == billing.FreePlanID {
			w.st.Plan = req.Plan
			return w.st, w.save(ctx)
		}
		if err := w.customer(ctx); err != nil {
			return w.st, err
		}
		var sub billing.Subscription
		in := activities.CreateSubscriptionInput{WorkspaceID: w.st.WorkspaceID, CustomerID: w.st.CustomerID, Plan: req.Plan,
			Seats: int64(seats), IdempotencyKey: w.key(ctx, "subscribe")}
		if err := workflow.ExecuteActivity(providerOptions(ctx), a.CreateSubscription, in).Get(ctx, &sub); err != nil {
			return w.st, err
		}
		w.st.Plan, w.st.PendingPlan, w.st.Seats = req.Plan, "", 0
		w.adopt(sub)
		return w.st, w.save(ctx)
	case req.Plan == billing.FreePlanID:
		return w.st, w.setCancel(ctx, true)
	case monthlyCost(req.Plan, seats) > monthlyCost(w.st.Plan, w.st.Seats):
		var sub billing.Subscription
		in := activities.ChangeSubscriptionInput{SubscriptionID: w.st.SubscriptionID, Plan: req.Plan, Seats: int64(seats),
			ProrateNow: true, IdempotencyKey: w.key(ctx, "upgrade")}
		if w.st.CancelAtPeriodEnd {
			no := false
			in.CancelAtPeriodEnd = &no
		}
		if err := workflow.ExecuteActivity(providerOptions(ctx), a.ChangeSubscription, in).Get(ctx, &sub); err != nil {
			return w.st, err
		}
		w.st.Plan, w.st.PendingPlan, w.st.Seats = req.Plan, "", 0
		w.adopt(sub)
		return w.st, w.save(ctx)
	default:
		if w.st.CancelAtPeriodEnd {
			if err := w.setCancel(ctx, false); err != nil {
				return w.st, err
			}
		}
		w.st.PendingPlan = req.Plan
		if billing.PlanOf(req.Plan).Pricing == billing.PricingSeats {
			w.st.Seats = seats
		}
		return w.st, w.save(ctx)
	}
}

// setCancel sets the provider's cancel-at-period-end flag; the plan falls to
// free when the period ends.
func (w *subscription) setCancel(ctx workflow.Context, cancel bool) error {
	var sub billing.Subscription
	in := activities.ChangeSubscriptionInput{SubscriptionID: w.st.SubscriptionID, CancelAtPeriodEnd: &cancel, IdempotencyKey: w.key(ctx, "cancel-flag")}
	if err := workflow.ExecuteActivity(providerOptions(ctx), a.ChangeSubscription, in).Get(ctx, &sub); err != nil {
		return err
	}
	w.adopt(sub)
	w.st.PendingPlan = ""
	if cancel {
		w.st.PendingPlan = billing.FreePlanID
	}
	return w.save(ctx)
}

func (w *subscription) validateSetSeats(req SetSeatsRequest) error {
	if billing.PlanOf(w.st.Plan).Pricing != billing.PricingSeats || !w.paid() {
		return ErrNotSeatsPlan
	}
	if req.Seats < 1 {
		return ErrBadSeats
	}
	return nil
}

// setSeats buys licences now (prorated) or releases them (no refund, billed
// from the next period).
func (w *subscription) setSeats(ctx workflow.Context, req SetSeatsRequest) (SubscriptionState, error) {
	if err := w.lock.Lock(ctx); err != nil {
		return w.st, err
	}
	defer w.lock.Unlock()
	w.st.Handled++
	if req.Seats == w.st.Seats {
		return w.st, nil
	}
	var sub billing.Subscription
	in := activities.ChangeSubscriptionInput{SubscriptionID: w.st.SubscriptionID, Seats: int64(req.Seats),
		ProrateNow: req.Seats > w.st.Seats, IdempotencyKey: w.key(ctx, "seats")}
	if err := workflow.ExecuteActivity(providerOptions(ctx), a.ChangeSubscription, in).Get(ctx, &sub); err != nil {
		return w.st, err
	}
	w.adopt(sub)
	w.st.Seats = req.Seats
	return w.st, w.save(ctx)
}

func (w *subscription) validateCancel(cancel bool) error {
	switch {
	case !w.paid():
		return ErrNoPaidPlan
	case cancel && w.st.CancelAtPeriodEnd:
		return ErrAlreadyCanceled
	case !cancel && !w.st.CancelAtPeriodEnd:
		return ErrNotCanceled
	}
	return nil
}

func (w *subscription) cancel(ctx workflow.Context) (SubscriptionState, error) {
	return w.flag(ctx, true)
}

func (w *subscription) resume(ctx workflow.Context) (SubscriptionState, error) {
	return w.flag(ctx, false)
}

func (w *subscription) flag(ctx workflow.Context, cancel bool) (SubscriptionState, error) {
	if err := w.lock.Lock(ctx); err != nil {
		return w.st, err
	}
	defer w.lock.Unlock()
	w.st.Handled++
	defer func() { w.dirty = true }()
	return w.st, w.setCancel(ctx, cancel)
}

// Names of the customer-level updates.
const (
	EnsureCustomerUpdate = contract.EnsureCustomerUpdate
	SetAddressUpdate     = contract.SetAddressUpdate
)

// SetAddressRequest is the billing address printed on invoices.
type SetAddressRequest = contract.SetAddressRequest

// ensureCustomer creates the provider's customer if the workspace has none,
// so a card can be collected before the first paid plan.
func (w *subscription) ensureCustomer(ctx workflow.Context) (SubscriptionState, error) {
	if err := w.lock.Lock(ctx); err != nil {
		return w.st, err
	}
	defer w.lock.Unlock()
	w.st.Handled++
	return w.st, w.customer(ctx)
}

func (w *subscription) customer(ctx workflow.Context) error {
	if w.st.CustomerID != "" {
		return nil
	}
	var cus activities.EnsureCustomerResult
	if err := workflow.ExecuteActivity(providerOptions(ctx), a.EnsureCustomer,
		activities.EnsureCustomerInput{WorkspaceID: w.st.WorkspaceID, IdempotencyKey: w.key(ctx, "customer")}).Get(ctx, &cus); err != nil {
		return err
	}
	w.st.CustomerID = cus.CustomerID
	return nil
}

func (w *subscription) setAddress(ctx workflow.Context, req SetAddressRequest) (SubscriptionState, error) {
	if err := w.lock.Lock(ctx); err != nil {
		return w.st, err
	}
	defer w.lock.Unlock()
	w.st.Handled++
	if err := w.customer(ctx); err != nil {
		return w.st, err
	}
	in := activities.UpdateAddressInput{CustomerID: w.st.CustomerID, Address: req.Address, IdempotencyKey: w.key(ctx, "address")}
	return w.st, workflow.ExecuteActivity(providerOptions(ctx), a.UpdateAddress, in).Get(ctx, nil)
}
