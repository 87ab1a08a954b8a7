package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/onairhq/onair/activities"
	"github.com/onairhq/onair/workflows/contract"
)

// The webhook relay delivers the events the store queues in the transaction of
// the change each reports (store/webhook_outbox.go). Like the e-mail relay it is
// one long-lived workflow per task queue, woken by a coalescing signal the API
// sends after committing, and sweeping every WebhookSweep anyway, so a lost
// signal (or an event written by a worker, which sends none) only delays a
// delivery. A pass serves every endpoint with a queue; one that fails waits for
// its retry (the pass reports when the next is due, and the relay sleeps until
// then at most), so one broken receiver never holds back the others.

// WebhookKickSignal tells the webhook relay that new events are queued.
const WebhookKickSignal = contract.WebhookKickSignal

// WebhookSweep is how often an idle webhook relay looks for queued events.
const WebhookSweep = 15 * time.Second

// WebhookRelayInput is empty: the relay serves the store its worker is given.
type WebhookRelayInput = contract.WebhookRelayInput

// WebhookRelayWorkflowID is the webhook relay of one task queue.
func WebhookRelayWorkflowID(taskQueue string) string {
	return contract.WebhookRelayWorkflowID(taskQueue)
}

// WebhookRelay delivers queued webhook events whenever kicked or due.
func WebhookRelay(ctx workflow.Context, in WebhookRelayInput) error {
	// One delivery takes at most 10 s and the activity heartbeats after each, so
	// a worker lost mid-pass is noticed within the heartbeat timeout and the
	// pass runs again elsewhere, from what the store recorded.
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 10 * time.Minute,
		HeartbeatTimeout:    20 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 30 * time.Second},
	})
	kicks := workflow.GetSignalChannel(ctx, WebhookKickSignal)
	drainKicks := func() {
		for kicks.ReceiveAsync(nil) {
		}
	}
	for {
		drainKicks()
		var res activities.DeliverWebhooksResult
		if err := workflow.ExecuteActivity(ctx, a.DeliverWebhooks, activities.DeliverWebhooksInput{PerEndpoint: 100}).Get(ctx, &res); err != nil {
			return err
		}
		if workflow.GetInfo(ctx).GetCurrentHistoryLength() > relayHistoryLimit {
			drainKicks()
			return workflow.NewContinueAsNewError(ctx, WebhookRelay, in)
		}
		if res.More {
			continue
		}
		wait := WebhookSweep
		if !res.NextAttemptAt.IsZero() {
			wait = min(wait, max(res.NextAttemptAt.Sub(workflow.Now(ctx)), 50*time.Millisecond))
		}
		sel := workflow.NewSelector(ctx)
		sel.AddReceive(kicks, func(c workflow.ReceiveChannel, _ bool) { c.Receive(ctx, nil) })
		timerCtx, cancel := workflow.WithCancel(ctx)
		sel.AddFuture(workflow.NewTimer(timerCtx, wait), func(workflow.Future) {})
		sel.Select(ctx)
		cancel()
	}
}
