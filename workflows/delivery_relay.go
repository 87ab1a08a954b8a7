package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/onairhq/onair/activities"
	"github.com/onairhq/onair/workflows/contract"
)

// The delivery relay sends the e-mails the API queues as pending Delivery rows
// in the same transaction as a registration (confirmations, "received" notes,
// waitlist promotions). Trigger: after committing, the API signals (with
// start) one long-lived relay workflow per task queue, coalescing signals so a
// burst of registrations costs a handful of signals; the relay drains the
// queue until it is empty, then waits for the next signal or sweeps every
// RelaySweep anyway, so a lost signal delays an e-mail, never loses it.

// RelayKickSignal tells the relay that new deliveries are pending.
const RelayKickSignal = contract.RelayKickSignal

// RelaySweep is how often an idle relay looks for pending rows without a signal.
const RelaySweep = 30 * time.Second

// relayHistoryLimit bounds the relay's history before it continues as new.
const relayHistoryLimit = 2000

// DeliveryRelayInput is empty: the relay serves the store its worker is given.
type DeliveryRelayInput = contract.DeliveryRelayInput

// DeliveryRelayWorkflowID is the relay of one task queue.
func DeliveryRelayWorkflowID(taskQueue string) string {
	return contract.DeliveryRelayWorkflowID(taskQueue)
}

// DeliveryRelay drains pending deliveries whenever kicked.
func DeliveryRelay(ctx workflow.Context, in DeliveryRelayInput) error {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 5 * time.Minute,
		HeartbeatTimeout:    30 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 30 * time.Second},
	})
	kicks := workflow.GetSignalChannel(ctx, RelayKickSignal)
	drainKicks := func() {
		for kicks.ReceiveAsync(nil) {
		}
	}
	for {
		drainKicks()
		var res activities.SendPendingResult
		if err := workflow.ExecuteActivity(ctx, a.SendPendingDeliveries, activities.SendPendingInput{Limit: 500}).Get(ctx, &res); err != nil {
			return err
		}
		if workflow.GetInfo(ctx).GetCurrentHistoryLength() > relayHistoryLimit {
			drainKicks()
			return workflow.NewContinueAsNewError(ctx, DeliveryRelay, in)
		}
		if res.Sent > 0 {
			continue
		}
		sel := workflow.NewSelector(ctx)
		sel.AddReceive(kicks, func(c workflow.ReceiveChannel, _ bool) { c.Receive(ctx, nil) })
		timerCtx, cancel := workflow.WithCancel(ctx)
		sel.AddFuture(workflow.NewTimer(timerCtx, RelaySweep), func(workflow.Future) {})
		sel.Select(ctx)
		cancel()
	}
}
