package workflows_test

import (
	"testing"

	"go.temporal.io/sdk/client"

	"github.com/onairhq/onair/activities"
	"github.com/onairhq/onair/billing"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
	onairworker "github.com/onairhq/onair/worker"
	"github.com/onairhq/onair/workflows"
)

// TestRecordSubscriptionHistory runs a Subscription on the embedded server
// with the local provider (subscribe, cancel, resume, a webhook event, then a
// cancellation of the workflow) and saves its history; only when asked to.
func TestRecordSubscriptionHistory(t *testing.T) {
	db := storetest.SQLite(t)
	ctx, c := startRecording(t, &activities.Activities{DB: db, Mail: &mailbox{}, Billing: billing.NewLocal(db)})
	ws := store.NewWorkspace("Recorded", "free")
	if err := store.Insert(ctx, db, ws); err != nil {
		t.Fatal(err)
	}
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.SubscriptionWorkflowID(ws.ID), TaskQueue: onairworker.TaskQueue},
		workflows.Subscription, workflows.SubscriptionInput{WorkspaceID: ws.ID, Plan: "free"})
	if err != nil {
		t.Fatal(err)
	}
	var st workflows.SubscriptionState
	for _, u := range []struct {
		name string
		args []any
	}{
		{workflows.ChangePlanUpdate, []any{workflows.ChangePlanRequest{Plan: "pro"}}},
		{workflows.CancelPlanUpdate, nil},
		{workflows.ResumePlanUpdate, nil},
	} {
		h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: run.GetID(), UpdateName: u.name, Args: u.args,
			WaitForStage: client.WorkflowUpdateStageCompleted})
		if err != nil {
			t.Fatal(err)
		}
		if err := h.Get(ctx, &st); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.SignalWorkflow(ctx, run.GetID(), "", workflows.StripeEventSignal, billing.Event{ID: "evt_1", Type: "invoice.paid", SubscriptionID: st.SubscriptionID}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: run.GetID(), UpdateName: workflows.SetAddressUpdate,
		Args:         []any{workflows.SetAddressRequest{Address: billing.Address{Line1: "1 Main St", City: "Lyon", PostalCode: "69001", Country: "FR"}}},
		WaitForStage: client.WorkflowUpdateStageCompleted}); err != nil {
		t.Fatal(err)
	}
	if err := c.CancelWorkflow(ctx, run.GetID(), ""); err != nil {
		t.Fatal(err)
	}
	_ = run.Get(ctx, nil) // canceled
	saveHistory(ctx, t, c, run, "subscription_v1.json")
}
