package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/onairhq/onair/activities"
	"github.com/onairhq/onair/workflows/contract"
)

// InvitationsInput names the batch; its addresses are in the store, so the
// history stays small whatever the list's length.
type InvitationsInput = contract.InvitationsInput

// InvitationsProgress is the progress query's answer.
type InvitationsProgress = contract.InvitationsProgress

// InvitationsProgressQuery reads how far a batch is.
const InvitationsProgressQuery = contract.InvitationsProgressQuery

// invitationChunk is how many e-mails one activity sends.
const invitationChunk = 200

// Invitations sends "invite to participate" e-mails for one batch, a chunk
// per activity, recording progress in the store and in a query.
func Invitations(ctx workflow.Context, in InvitationsInput) (InvitationsProgress, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 10 * time.Minute,
		HeartbeatTimeout:    30 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute},
	})
	var progress InvitationsProgress
	if err := workflow.SetQueryHandler(ctx, InvitationsProgressQuery, func() (InvitationsProgress, error) { return progress, nil }); err != nil {
		return progress, err
	}
	for {
		var res activities.SendInvitationChunkResult
		err := workflow.ExecuteActivity(ctx, a.SendInvitationChunk, activities.SendInvitationChunkInput{BatchID: in.BatchID, Limit: invitationChunk}).Get(ctx, &res)
		if err != nil {
			return progress, err
		}
		progress = InvitationsProgress{Processed: res.Processed, Total: res.Total}
		if res.Done {
			return progress, nil
		}
	}
}
