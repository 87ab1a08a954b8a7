package workflows_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/testsuite"

	"github.com/onairhq/onair/activities"
	"github.com/onairhq/onair/workflows"
)

// Invitations runs chunk after chunk until the batch is done, and answers its
// progress; a failed chunk is retried.
func TestInvitationsSendsInChunks(t *testing.T) {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	var acts *activities.Activities
	env.RegisterActivity(acts)
	processed, calls := 0, 0
	env.OnActivity(acts.SendInvitationChunk, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.SendInvitationChunkInput) (activities.SendInvitationChunkResult, error) {
			calls++
			if calls == 2 {
				return activities.SendInvitationChunkResult{}, context.DeadlineExceeded
			}
			processed = min(processed+in.Limit, 450)
			return activities.SendInvitationChunkResult{Processed: processed, Total: 450, Done: processed == 450}, nil
		})
	env.ExecuteWorkflow(workflows.Invitations, workflows.InvitationsInput{SessionID: "ses_1", BatchID: "ivb_1"})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	var res workflows.InvitationsProgress
	if err := env.GetWorkflowResult(&res); err != nil || res.Processed != 450 || calls != 4 {
		t.Fatalf("progress %+v after %d calls (%v)", res, calls, err)
	}
}
