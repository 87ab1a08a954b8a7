package workflows_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/onairhq/onair/activities"
	"github.com/onairhq/onair/workflows"
)

// The webhook relay passes again at once while a queue has more, wakes for a
// retry when it is due rather than at the next sweep, and sweeps when idle.
func TestWebhookRelayPacesItsPasses(t *testing.T) {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	var acts *activities.Activities
	env.RegisterActivity(acts)
	var passes []time.Time
	env.OnActivity(acts.DeliverWebhooks, mock.Anything, mock.Anything).Return(
		func(ctx context.Context, _ activities.DeliverWebhooksInput) (activities.DeliverWebhooksResult, error) {
			now := env.Now()
			passes = append(passes, now)
			switch len(passes) {
			case 1:
				return activities.DeliverWebhooksResult{Delivered: 100, More: true}, nil
			case 2:
				return activities.DeliverWebhooksResult{NextAttemptAt: now.Add(2 * time.Second)}, nil
			}
			return activities.DeliverWebhooksResult{}, nil
		})
	// Four passes take under 20 s of workflow time; the relay never ends by itself.
	env.RegisterDelayedCallback(env.CancelWorkflow, 20*time.Second)
	env.ExecuteWorkflow(workflows.WebhookRelay, workflows.WebhookRelayInput{})

	var cancelled *temporal.CanceledError
	if !env.IsWorkflowCompleted() || !errors.As(env.GetWorkflowError(), &cancelled) {
		t.Fatalf("the relay ended otherwise than cancelled: %v", env.GetWorkflowError())
	}
	if len(passes) != 4 {
		t.Fatalf("%d passes", len(passes))
	}
	if d := passes[1].Sub(passes[0]); d > time.Second {
		t.Errorf("a pass with more queued waited %s", d)
	}
	if d := passes[2].Sub(passes[1]); d < 2*time.Second || d > 3*time.Second {
		t.Errorf("a retry due in 2 s was attempted after %s", d)
	}
	if d := passes[3].Sub(passes[2]); d < workflows.WebhookSweep || d > workflows.WebhookSweep+time.Second {
		t.Errorf("an idle relay swept after %s, want %s", d, workflows.WebhookSweep)
	}
}
