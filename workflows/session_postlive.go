package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/onairhq/onair/store"
)

// PostLiveStep is one stage of the chain that runs once a session has ended:
// finalize the recording, produce exports, send follow-ups (issue 5). Steps
// run in order; a failing step is named in the FailedStepKey search attribute.
type PostLiveStep struct {
	Name string
	Run  func(ctx workflow.Context, in SessionLifecycleInput) error
}

// postLiveSteps is the seam where post-live processing plugs in; empty until
// recordings and exports exist. Adding a step to a shipped workflow needs a
// workflow.GetVersion guard (see replay_test.go).
var postLiveSteps []PostLiveStep

// postLive runs the post-live chain, then marks the session processed.
func (s *sessionRun) postLive(ctx workflow.Context) error {
	for _, step := range postLiveSteps {
		if err := step.Run(ctx, s.in); err != nil {
			_ = workflow.UpsertTypedSearchAttributes(ctx, FailedStepKey.ValueSet(step.Name))
			return err
		}
	}
	return s.setStatus(ctx, store.SessionProcessed)
}
