package workflows_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/testsuite"

	"github.com/onairhq/onair/activities"
	"github.com/onairhq/onair/billing"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
	"github.com/onairhq/onair/workflows"
)

func TestWorkspaceDeletionErasesOnlyThatWorkspace(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	doomed := store.NewWorkspace("Doomed", "free")
	kept := store.NewWorkspace("Kept", "free")
	for _, ws := range []*store.Workspace{doomed, kept} {
		if err := store.Insert(ctx, db, ws); err != nil {
			t.Fatal(err)
		}
		u, _ := store.GetOrCreateUser(ctx, db, store.NewSecret(4)+"@example.com", "Owner")
		if _, err := store.AddMember(ctx, db, ws.ID, u, store.RoleOwner, "Owner"); err != nil {
			t.Fatal(err)
		}
	}

	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.RegisterActivity(&activities.Activities{DB: db, Billing: billing.NewLocal(db), Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	cancelled := ""
	env.OnRequestCancelExternalWorkflow(mock.Anything, mock.Anything, mock.Anything).Return(func(_, id, _ string) error {
		cancelled = id
		return nil
	})
	env.ExecuteWorkflow(workflows.WorkspaceDeletion, workflows.WorkspaceDeletionInput{WorkspaceID: doomed.ID, RequestedBy: "usr_1"})
	if cancelled != workflows.SubscriptionWorkflowID(doomed.ID) {
		t.Fatalf("cancelled workflow %q, want the workspace's Subscription workflow", cancelled)
	}
	if !env.IsWorkflowCompleted() || env.GetWorkflowError() != nil {
		t.Fatalf("workflow: completed=%v err=%v", env.IsWorkflowCompleted(), env.GetWorkflowError())
	}
	var res workflows.WorkspaceDeletionResult
	if err := env.GetWorkflowResult(&res); err != nil || !res.Erased {
		t.Fatalf("result %+v, %v", res, err)
	}
	if _, err := store.GetWorkspace(ctx, db, doomed.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("doomed workspace still there: %v", err)
	}
	if n, _ := store.Count[store.Membership](ctx, db, kept.ID); n != 1 {
		t.Fatalf("kept workspace lost its members: %d", n)
	}
}

func TestWorkspaceDeletionRetriesThenSucceeds(t *testing.T) {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	var acts *activities.Activities
	calls := 0
	env.RegisterActivity(acts)
	env.OnActivity(acts.CancelWorkspaceSubscription, mock.Anything, mock.Anything).Return(activities.CancelWorkspaceSubscriptionResult{}, nil)
	env.OnRequestCancelExternalWorkflow(mock.Anything, mock.Anything, mock.Anything).Return(nil)
	env.OnActivity(acts.EraseWorkspace, mock.Anything, activities.EraseWorkspaceInput{WorkspaceID: "ws_x"}).
		Return(func(context.Context, activities.EraseWorkspaceInput) (activities.EraseWorkspaceResult, error) {
			calls++
			if calls < 3 {
				return activities.EraseWorkspaceResult{}, errors.New("database unavailable")
			}
			return activities.EraseWorkspaceResult{Erased: true}, nil
		})
	env.ExecuteWorkflow(workflows.WorkspaceDeletion, workflows.WorkspaceDeletionInput{WorkspaceID: "ws_x"})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if calls != 3 {
		t.Fatalf("erase attempts = %d, want 3 (two failures retried)", calls)
	}
}

// TestDeletingAWorkspaceCancelsItsSubscription runs the activity over the real
// local provider: a paid subscription ends at once, and a workspace that never
// paid has nothing to cancel.
func TestDeletingAWorkspaceCancelsItsSubscription(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	local := billing.NewLocal(db)
	customer, err := local.CreateCustomer(ctx, billing.CustomerParams{WorkspaceID: "ws_paid", Name: "Paid", Email: "p@example.com", IdempotencyKey: "c1"})
	if err != nil {
		t.Fatal(err)
	}
	sub, err := local.CreateSubscription(ctx, billing.SubscriptionParams{CustomerID: customer, WorkspaceID: "ws_paid",
		PriceLookupKey: billing.PlanOf("pro").PriceLookupKey, Quantity: 1, IdempotencyKey: "s1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.SaveBillingAccount(ctx, db, &store.BillingAccount{WorkspaceID: "ws_paid", SubscriptionID: sub.ID, Status: sub.Status}); err != nil {
		t.Fatal(err)
	}

	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	acts := &activities.Activities{DB: db, Billing: local, Log: slog.New(slog.DiscardHandler)}
	env.RegisterActivity(acts)
	for ws, want := range map[string]bool{"ws_paid": true, "ws_free": false} {
		v, err := env.ExecuteActivity(acts.CancelWorkspaceSubscription,
			activities.CancelWorkspaceSubscriptionInput{WorkspaceID: ws, IdempotencyKey: "workspace-delete:" + ws})
		if err != nil {
			t.Fatalf("%s: %v", ws, err)
		}
		var res activities.CancelWorkspaceSubscriptionResult
		if err := v.Get(&res); err != nil || res.Cancelled != want {
			t.Fatalf("%s: cancelled=%v (%v), want %v", ws, res.Cancelled, err, want)
		}
	}
	after, err := local.GetSubscription(ctx, sub.ID)
	if err != nil || after.Status != "canceled" {
		t.Fatalf("subscription after deletion: %+v %v", after, err)
	}
}
