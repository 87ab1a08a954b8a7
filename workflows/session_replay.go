package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/onairhq/onair/activities"
	"github.com/onairhq/onair/workflows/contract"
)

// replayChange versions the post-live "recording" step: version 1 checks the finalized
// recording and composes the replay (every speaker, the shared screen) on an egress worker
// before the recording counts as ready. Histories without it made the WebM the replay.
const (
	replayChange  = "replay-composite"
	replayVersion = 1
)

// EgressQueueSuffix names the egress task queue after the workflow's own: "onair-egress"
// beside "onair". Only workers with ffmpeg poll it.
const EgressQueueSuffix = "-egress"

// The replay progress as the status query shows it.
type (
	ReplayProgress = contract.ReplayProgress
)

// ReplayProgressSignal is the egress activity's progress report.
const ReplayProgressSignal = contract.ReplayProgressSignal

var egress *activities.Egress

// composeReplay runs ComposeReplay on the egress queue, keeping the progress it signals in
// the state. A worker that dies stops heartbeating; the activity is then retried, and finds
// or finishes the one replay.
func (s *sessionRun) composeReplay(ctx workflow.Context) (activities.ComposeReplayResult, error) {
	opts := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		TaskQueue:           workflow.GetInfo(ctx).TaskQueueName + EgressQueueSuffix,
		StartToCloseTimeout: 6 * time.Hour,
		HeartbeatTimeout:    time.Minute,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute,
			MaximumAttempts: 4},
	})
	s.state.PostLive.Replay = &ReplayProgress{}
	fut := workflow.ExecuteActivity(opts, egress.ComposeReplay, activities.ComposeReplayInput{
		SessionID: s.in.SessionID, WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID})
	progress := workflow.GetSignalChannel(ctx, ReplayProgressSignal)
	for !fut.IsReady() {
		sel := workflow.NewSelector(ctx)
		sel.AddFuture(fut, func(workflow.Future) {})
		sel.AddReceive(progress, func(c workflow.ReceiveChannel, _ bool) {
			var p ReplayProgress
			c.Receive(ctx, &p)
			s.state.PostLive.Replay = &p
		})
		sel.Select(ctx)
	}
	var res activities.ComposeReplayResult
	err := fut.Get(ctx, &res)
	if err == nil {
		s.state.PostLive.Replay.Done = 1
	}
	return res, err
}
