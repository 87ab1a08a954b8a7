package workflows_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v79"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/onairhq/onair/activities"
	"github.com/onairhq/onair/billing"
	"github.com/onairhq/onair/mail"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
	"github.com/onairhq/onair/workflows"
)

// rig runs one Subscription workflow in the time-skipping environment over a
// real store and a fake provider; steps are scheduled on the workflow clock.
type rig struct {
	t    *testing.T
	env  *testsuite.TestWorkflowEnvironment
	fake *fakeProvider
	box  *mailbox
	ws   *store.Workspace
	acts *activities.Activities
	last time.Duration
}

func newRig(t *testing.T, plan string) *rig {
	db := storetest.SQLite(t)
	ctx := context.Background()
	ws := store.NewWorkspace("Billed", plan)
	if err := store.Insert(ctx, db, ws); err != nil {
		t.Fatal(err)
	}
	u, _ := store.GetOrCreateUser(ctx, db, store.NewSecret(4)+"@example.com", "Owner")
	if _, err := store.AddMember(ctx, db, ws.ID, u, store.RoleOwner, "Owner"); err != nil {
		t.Fatal(err)
	}
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	r := &rig{t: t, env: env, ws: ws, box: &mailbox{}}
	r.fake = newFakeProvider(env.Now)
	r.acts = &activities.Activities{DB: db, Mail: r.box, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Billing: r.fake,
		PublicURL: "http://onair.test"}
	env.RegisterActivity(r.acts)
	env.RegisterWorkflow(workflows.Subscription)
	return r
}

// at runs fn d after the previous step.
func (r *rig) at(d time.Duration, fn func()) {
	r.last += d
	r.env.RegisterDelayedCallback(fn, r.last)
}

// outcome is an update's answer.
type outcome struct {
	done     bool
	rejected error
	state    workflows.SubscriptionState
	err      error
}

func (r *rig) update(d time.Duration, name string, args ...any) *outcome {
	o := &outcome{}
	r.at(d, func() {
		r.env.UpdateWorkflow(name, store.NewSecret(4), &testsuite.TestUpdateCallback{
			OnReject: func(err error) { o.done, o.rejected = true, err },
			OnComplete: func(v any, err error) {
				o.done, o.err = true, err
				if st, ok := v.(workflows.SubscriptionState); ok {
					o.state = st
				}
			},
		}, args...)
	})
	return o
}

func (r *rig) state() workflows.SubscriptionState {
	r.t.Helper()
	v, err := r.env.QueryWorkflow(workflows.SubscriptionQuery)
	if err != nil {
		r.t.Fatal(err)
	}
	var st workflows.SubscriptionState
	if err := v.Get(&st); err != nil {
		r.t.Fatal(err)
	}
	return st
}

// check runs fn with the state d after the previous step.
func (r *rig) check(d time.Duration, fn func(workflows.SubscriptionState)) {
	r.at(d, func() { fn(r.state()) })
}

func (r *rig) run(plan string, seats int) {
	r.at(time.Minute, r.env.CancelWorkflow)
	r.env.ExecuteWorkflow(workflows.Subscription, workflows.SubscriptionInput{WorkspaceID: r.ws.ID, Plan: plan, Seats: seats})
	var canceled *temporal.CanceledError
	if err := r.env.GetWorkflowError(); err != nil && !errors.As(err, &canceled) {
		r.t.Fatalf("workflow: %v", err)
	}
}

func (r *rig) workspace() *store.Workspace {
	ws, err := store.GetWorkspace(context.Background(), r.acts.DB, r.ws.ID)
	if err != nil {
		r.t.Fatal(err)
	}
	return ws
}

func ok(t *testing.T, o *outcome) workflows.SubscriptionState {
	t.Helper()
	if !o.done || o.rejected != nil || o.err != nil {
		t.Fatalf("update: done=%v rejected=%v err=%v", o.done, o.rejected, o.err)
	}
	return o.state
}

const day = 24 * time.Hour

func TestSubscriptionUpgradesNowWithProration(t *testing.T) {
	r := newRig(t, "free")
	first := r.update(time.Minute, workflows.ChangePlanUpdate, workflows.ChangePlanRequest{Plan: "pro"})
	second := r.update(time.Minute, workflows.ChangePlanUpdate, workflows.ChangePlanRequest{Plan: "business"})
	unknown := r.update(time.Minute, workflows.ChangePlanUpdate, workflows.ChangePlanRequest{Plan: "platinum"})
	r.run("free", 0)
	if st := ok(t, first); st.Plan != "pro" || st.SubscriptionID == "" {
		t.Fatalf("after upgrade from free: %+v", st)
	}
	if st := ok(t, second); st.Plan != "business" || st.PendingPlan != "" {
		t.Fatalf("after upgrade: %+v", st)
	}
	if !errors.Is(unknown.rejected, workflows.ErrUnknownPlan) && (unknown.rejected == nil || !strings.Contains(unknown.rejected.Error(), "unknown plan")) {
		t.Fatalf("unknown plan: %+v", unknown)
	}
	ups := r.fake.callsOf("UpdateSubscription")
	if len(ups) != 1 || !ups[0].Change.ProrateNow || ups[0].Change.PriceLookupKey != "onair_business_monthly" {
		t.Fatalf("upgrade calls %+v", ups)
	}
	if r.workspace().Plan != "business" {
		t.Fatalf("workspace plan %q", r.workspace().Plan)
	}
}

func TestSubscriptionDowngradesAtPeriodEnd(t *testing.T) {
	r := newRig(t, "free")
	ok1 := r.update(time.Minute, workflows.ChangePlanUpdate, workflows.ChangePlanRequest{Plan: "business"})
	down := r.update(time.Minute, workflows.ChangePlanUpdate, workflows.ChangePlanRequest{Plan: "pro"})
	r.check(day, func(st workflows.SubscriptionState) {
		if st.Plan != "business" || st.PendingPlan != "pro" || r.workspace().Plan != "business" {
			t.Errorf("before period end: %+v", st)
		}
	})
	r.check(30*day, func(st workflows.SubscriptionState) {
		if st.Plan != "pro" || st.PendingPlan != "" || r.workspace().Plan != "pro" {
			t.Errorf("after period end: %+v", st)
		}
	})
	r.run("free", 0)
	ok(t, ok1)
	ok(t, down)
	ups := r.fake.callsOf("UpdateSubscription")
	if len(ups) != 1 || ups[0].Change.ProrateNow || ups[0].Change.PriceLookupKey != "onair_pro_monthly" {
		t.Fatalf("downgrade calls %+v", ups)
	}
}

func TestSubscriptionSeatsUpAndDown(t *testing.T) {
	r := newRig(t, "free")
	start := r.update(time.Minute, workflows.ChangePlanUpdate, workflows.ChangePlanRequest{Plan: "team", Seats: 3})
	up := r.update(time.Minute, workflows.SetSeatsUpdate, workflows.SetSeatsRequest{Seats: 5})
	down := r.update(time.Minute, workflows.SetSeatsUpdate, workflows.SetSeatsRequest{Seats: 2})
	zero := r.update(time.Minute, workflows.SetSeatsUpdate, workflows.SetSeatsRequest{Seats: 0})
	r.run("free", 0)
	if st := ok(t, start); st.Seats != 3 {
		t.Fatalf("start: %+v", st)
	}
	if st := ok(t, up); st.Seats != 5 {
		t.Fatalf("up: %+v", st)
	}
	if st := ok(t, down); st.Seats != 2 {
		t.Fatalf("down: %+v", st)
	}
	if zero.rejected == nil {
		t.Fatal("zero seats accepted")
	}
	ups := r.fake.callsOf("UpdateSubscription")
	if len(ups) != 2 || !ups[0].Change.ProrateNow || ups[0].Change.Quantity != 5 || ups[1].Change.ProrateNow || ups[1].Change.Quantity != 2 {
		t.Fatalf("seat calls %+v", ups)
	}
	if create := r.fake.callsOf("CreateSubscription"); create[0].Change.Quantity != 3 {
		t.Fatalf("create %+v", create)
	}
}

func TestSubscriptionCancelResumeThenEndAtPeriodEnd(t *testing.T) {
	r := newRig(t, "free")
	r.update(time.Minute, workflows.ChangePlanUpdate, workflows.ChangePlanRequest{Plan: "pro"})
	cancel := r.update(time.Minute, workflows.CancelPlanUpdate)
	again := r.update(time.Minute, workflows.CancelPlanUpdate)
	resume := r.update(time.Minute, workflows.ResumePlanUpdate)
	r.check(40*day, func(st workflows.SubscriptionState) {
		if st.Plan != "pro" {
			t.Errorf("resumed subscription ended: %+v", st)
		}
	})
	final := r.update(time.Minute, workflows.CancelPlanUpdate)
	r.check(35*day, func(st workflows.SubscriptionState) {
		if st.Plan != "free" || st.SubscriptionID != "" || r.workspace().Plan != "free" {
			t.Errorf("after period end: %+v", st)
		}
	})
	r.run("free", 0)
	if st := ok(t, cancel); !st.CancelAtPeriodEnd || st.PendingPlan != "free" || st.Plan != "pro" {
		t.Fatalf("cancel: %+v", st)
	}
	if again.rejected == nil {
		t.Fatal("second cancel accepted")
	}
	if st := ok(t, resume); st.CancelAtPeriodEnd || st.PendingPlan != "" {
		t.Fatalf("resume: %+v", st)
	}
	ok(t, final)
	if n := len(r.fake.callsOf("CancelSubscription")); n != 1 {
		t.Fatalf("subscription ended %d times", n)
	}
}

func TestSubscriptionDunningSuspendsThenRestores(t *testing.T) {
	r := newRig(t, "free")
	r.update(time.Minute, workflows.ChangePlanUpdate, workflows.ChangePlanRequest{Plan: "pro"})
	event := func(typ string) {
		r.env.SignalWorkflow(workflows.StripeEventSignal, billing.Event{ID: "evt_" + store.NewSecret(4), Type: typ, SubscriptionID: "sub_1"})
	}
	r.at(time.Minute, func() { r.fake.setStatus("sub_1", "past_due"); event("invoice.payment_failed") })
	r.check(time.Hour, func(st workflows.SubscriptionState) {
		if st.DunningSince.IsZero() || r.workspace().SuspendedAt != nil {
			t.Errorf("dunning not started: %+v", st)
		}
	})
	r.check(6*day+time.Hour, func(st workflows.SubscriptionState) {
		if st.RemindersSent != 2 || st.Suspended || r.workspace().SuspendedAt != nil {
			t.Errorf("day 6: %+v", st)
		}
	})
	r.check(day, func(st workflows.SubscriptionState) {
		if !st.Suspended || r.workspace().SuspendedAt == nil {
			t.Errorf("day 7: not suspended: %+v", st)
		}
	})
	r.at(day, func() { r.fake.setStatus("sub_1", "active"); event("invoice.paid") })
	r.check(time.Minute, func(st workflows.SubscriptionState) {
		if st.Suspended || !st.DunningSince.IsZero() || r.workspace().SuspendedAt != nil {
			t.Errorf("after payment: %+v", st)
		}
	})
	r.run("free", 0)
	want := []string{mail.KindPaymentFailed, mail.KindPaymentReminder, mail.KindPaymentReminder, mail.KindWorkspaceSuspended, mail.KindPaymentRestored}
	if got := r.box.sent(); !slices.Equal(got, want) {
		t.Fatalf("e-mails %v, want %v", got, want)
	}
}

// TestSubscriptionDunningMailsKeepTheirIDAcrossRetries: a dunning e-mail whose send is
// retried goes out again under the same Message-ID, so the contact sees one e-mail; the
// next reminder, of the same kind, is a new one.
func TestSubscriptionDunningMailsKeepTheirIDAcrossRetries(t *testing.T) {
	r := newRig(t, "free")
	r.box.loseAnswers = 1
	r.update(time.Minute, workflows.ChangePlanUpdate, workflows.ChangePlanRequest{Plan: "pro"})
	r.at(time.Minute, func() {
		r.fake.setStatus("sub_1", "past_due")
		r.env.SignalWorkflow(workflows.StripeEventSignal, billing.Event{ID: "evt_1", Type: "invoice.payment_failed", SubscriptionID: "sub_1"})
	})
	r.at(6*day+time.Hour, func() {})
	r.run("free", 0)
	kinds, ids := r.box.sent(), r.box.ids
	want := []string{mail.KindPaymentFailed, mail.KindPaymentFailed, mail.KindPaymentReminder, mail.KindPaymentReminder}
	if !slices.Equal(kinds, want) {
		t.Fatalf("e-mails %v, want %v", kinds, want)
	}
	if ids[0] == "" || ids[1] != ids[0] {
		t.Errorf("ids of the retried e-mail: %q then %q, want one id", ids[0], ids[1])
	}
	if ids[2] == ids[0] || ids[3] == ids[2] {
		t.Errorf("ids %q: each reminder must be an e-mail of its own", ids)
	}
}

// timeoutError is what an HTTP client reports when Stripe does not answer in time.
type timeoutError struct{}

func (timeoutError) Error() string   { return "i/o timeout" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

var _ net.Error = timeoutError{}

func TestSubscriptionRetriesWithTheSameIdempotencyKey(t *testing.T) {
	r := newRig(t, "free")
	r.fake.fail["CreateSubscription"] = []error{
		&stripe.Error{HTTPStatusCode: 503, Type: stripe.ErrorTypeAPI, Msg: "unavailable"},
		&net.OpError{Op: "read", Net: "tcp", Err: timeoutError{}},
	}
	up := r.update(time.Minute, workflows.ChangePlanUpdate, workflows.ChangePlanRequest{Plan: "pro"})
	r.run("free", 0)
	if st := ok(t, up); st.Plan != "pro" {
		t.Fatalf("after retries: %+v", st)
	}
	calls := r.fake.callsOf("CreateSubscription")
	if len(calls) != 3 || calls[0].Key == "" || calls[1].Key != calls[0].Key || calls[2].Key != calls[0].Key {
		t.Fatalf("calls %+v, want three with one idempotency key", calls)
	}
}

func TestSubscriptionCardDeclinedLeavesThePlan(t *testing.T) {
	r := newRig(t, "free")
	r.fake.fail["CreateSubscription"] = []error{&billing.CardDeclinedError{Reason: "insufficient_funds", Message: "declined"}}
	up := r.update(time.Minute, workflows.ChangePlanUpdate, workflows.ChangePlanRequest{Plan: "pro"})
	r.run("free", 0)
	var app *temporal.ApplicationError
	if !errors.As(up.err, &app) || app.Type() != billing.ErrTypeCardDeclined {
		t.Fatalf("declined upgrade: %v", up.err)
	}
	var reason string
	if err := app.Details(&reason); err != nil || reason != "insufficient_funds" {
		t.Fatalf("decline reason %q %v", reason, err)
	}
	if n := len(r.fake.callsOf("CreateSubscription")); n != 1 {
		t.Fatalf("declined card charged %d times", n)
	}
	if r.workspace().Plan != "free" {
		t.Fatal("plan changed despite the decline")
	}
}

// TestSubscriptionContinuesAsNewWithItsState: after many events the workflow
// starts a fresh run carrying its state, so history stays small.
func TestSubscriptionContinuesAsNewWithItsState(t *testing.T) {
	r := newRig(t, "free")
	r.update(time.Minute, workflows.ChangePlanUpdate, workflows.ChangePlanRequest{Plan: "pro"})
	r.at(time.Minute, func() {
		for i := range 600 {
			r.env.SignalWorkflow(workflows.StripeEventSignal, billing.Event{ID: "evt_" + strconv.Itoa(i), Type: "customer.subscription.updated", SubscriptionID: "sub_1"})
		}
	})
	r.at(time.Hour, r.env.CancelWorkflow) // not reached when the run continues as new
	r.env.ExecuteWorkflow(workflows.Subscription, workflows.SubscriptionInput{WorkspaceID: r.ws.ID, Plan: "free"})
	var next *workflow.ContinueAsNewError
	if err := r.env.GetWorkflowError(); !errors.As(err, &next) {
		t.Fatalf("workflow ended with %v, want continue-as-new", err)
	}
	var in workflows.SubscriptionInput
	if err := converter.GetDefaultDataConverter().FromPayloads(next.Input, &in); err != nil {
		t.Fatal(err)
	}
	if in.State == nil || in.State.Plan != "pro" || in.State.SubscriptionID != "sub_1" || in.State.Seq == 0 {
		t.Fatalf("continued with %+v", in.State)
	}
}
