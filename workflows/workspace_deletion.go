package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/onairhq/onair/activities"
	"github.com/onairhq/onair/workflows/contract"
)

// WorkspaceDeletionInput asks to delete one workspace.
type WorkspaceDeletionInput = contract.WorkspaceDeletionInput

// WorkspaceDeletionResult reports what happened.
type WorkspaceDeletionResult = contract.WorkspaceDeletionResult

// WorkspaceDeletionWorkflowID is the one id per workspace, so a second request joins the first.
func WorkspaceDeletionWorkflowID(workspaceID string) string {
	return contract.WorkspaceDeletionWorkflowID(workspaceID)
}

// WorkspaceDeletion ends the workspace's subscription, then erases the
// workspace. Steps added after v1 shipped are behind workflow.GetVersion so
// recorded histories still replay.
func WorkspaceDeletion(ctx workflow.Context, in WorkspaceDeletionInput) (WorkspaceDeletionResult, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 5 * time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute},
	})
	workflow.GetLogger(ctx).Info("deleting workspace", "workspace", in.WorkspaceID, "requested_by", in.RequestedBy)
	if workflow.GetVersion(ctx, "cancel-subscription", workflow.DefaultVersion, 1) >= 1 {
		if err := endSubscription(ctx, in.WorkspaceID); err != nil {
			return WorkspaceDeletionResult{}, err
		}
	}
	var erased activities.EraseWorkspaceResult
	if err := workflow.ExecuteActivity(ctx, a.EraseWorkspace, activities.EraseWorkspaceInput{WorkspaceID: in.WorkspaceID}).Get(ctx, &erased); err != nil {
		return WorkspaceDeletionResult{}, err
	}
	return WorkspaceDeletionResult{Erased: erased.Erased}, nil
}

// endSubscription cancels the paid subscription, then stops the workspace's
// Subscription workflow (if any) so it neither bills nor dunning-mails again.
func endSubscription(ctx workflow.Context, workspaceID string) error {
	var cancelled activities.CancelWorkspaceSubscriptionResult
	in := activities.CancelWorkspaceSubscriptionInput{WorkspaceID: workspaceID, IdempotencyKey: WorkspaceDeletionWorkflowID(workspaceID) + "/cancel-subscription"}
	if err := workflow.ExecuteActivity(ctx, a.CancelWorkspaceSubscription, in).Get(ctx, &cancelled); err != nil {
		return err
	}
	// Not found (no Subscription workflow ever ran) and already-closed are both fine.
	_ = workflow.RequestCancelExternalWorkflow(ctx, SubscriptionWorkflowID(workspaceID), "").Get(ctx, nil)
	return nil
}
