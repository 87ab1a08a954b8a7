package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/onairhq/onair/activities"
	"github.com/onairhq/onair/tracing"
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

// RelayKick is the kick's payload: the trace contexts of the requests it follows.
type RelayKick = contract.RelayKick

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
	// traces are the kicks' trace contexts since the last pass: the pass runs as a child of
	// the first (tracing.WithRemoteParent) and links to the others, so a registration's trace
	// holds the activity that sent its e-mail. A pass no kick asked for (a sweep, or the
	// rest of a long queue) starts a trace of its own.
	var traces []map[string]string
	receive := func(c workflow.ReceiveChannel, wait bool) bool {
		var k RelayKick
		if wait {
			c.Receive(ctx, &k)
		} else if !c.ReceiveAsync(&k) {
			return false
		}
		traces = append(traces, k.Traces...)
		traces = traces[:min(len(traces), contract.MaxRelayKickTraces)]
		return true
	}
	drainKicks := func() {
		for receive(kicks, false) {
		}
	}
	for {
		drainKicks()
		var parent map[string]string
		pass := activities.SendPendingInput{Limit: 500}
		if len(traces) > 0 {
			parent, pass.Links = traces[0], traces[1:]
		}
		traces = nil
		var res activities.SendPendingResult
		if err := workflow.ExecuteActivity(tracing.WithRemoteParent(ctx, parent), a.SendPendingDeliveries, pass).Get(ctx, &res); err != nil {
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
		sel.AddReceive(kicks, func(c workflow.ReceiveChannel, _ bool) { receive(c, true) })
		timerCtx, cancel := workflow.WithCancel(ctx)
		sel.AddFuture(workflow.NewTimer(timerCtx, RelaySweep), func(workflow.Future) {})
		sel.Select(ctx)
		cancel()
	}
}
