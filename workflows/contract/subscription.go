package contract

import (
	"time"

	"github.com/onairhq/onair/billing"
)

// Names of the Subscription workflow's handlers.
const (
	ChangePlanUpdate     = "change-plan"
	SetSeatsUpdate       = "set-seats"
	CancelPlanUpdate     = "cancel"
	ResumePlanUpdate     = "resume"
	EnsureCustomerUpdate = "ensure-customer"
	SetAddressUpdate     = "set-address"
	StripeEventSignal    = "stripe-event"
	SubscriptionQuery    = "state"
)

// SubscriptionWorkflowID is the one workflow per workspace.
func SubscriptionWorkflowID(workspaceID string) string { return "subscription:" + workspaceID }

// SubscriptionInput starts (or continues) a workspace's Subscription. State is
// set when continuing as new; otherwise Plan and Seats seed it.
type SubscriptionInput struct {
	WorkspaceID string
	Plan        string
	Seats       int
	// SubscriptionID and CustomerID seed a workflow started after the
	// subscription already existed (from the workspace's billing copy).
	SubscriptionID, CustomerID string
	State                      *SubscriptionState
}

// SubscriptionState is everything the workflow knows, readable by query.
type SubscriptionState struct {
	WorkspaceID       string    `json:"workspace_id"`
	Plan              string    `json:"plan"`
	Seats             int       `json:"seats"`
	CustomerID        string    `json:"customer_id,omitempty"`
	SubscriptionID    string    `json:"subscription_id,omitempty"`
	Status            string    `json:"status,omitempty"`
	CancelAtPeriodEnd bool      `json:"cancel_at_period_end"`
	CurrentPeriodEnd  time.Time `json:"current_period_end"`
	PendingPlan       string    `json:"pending_plan,omitempty"`
	DunningSince      time.Time `json:"dunning_since"`
	RemindersSent     int       `json:"reminders_sent"`
	Suspended         bool      `json:"suspended"`
	// Seq numbers every provider call, so idempotency keys are derived from
	// workflow state only: a retried activity reuses its key, a new call never does.
	Seq int `json:"seq"`
	// Handled counts signals and updates of this run.
	Handled int `json:"handled"`
}

// ChangePlanRequest moves to another plan; Seats is the licence count when the
// target is a seats plan (at least 1).
type ChangePlanRequest struct {
	Plan  string
	Seats int
}

// SetSeatsRequest sets the number of host licences of a seats plan.
type SetSeatsRequest struct{ Seats int }

// SetAddressRequest is the billing address printed on invoices.
type SetAddressRequest struct{ Address billing.Address }
