package api

import (
	"context"
	"log/slog"
	"sync"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/onairhq/onair/tracing"
	"github.com/onairhq/onair/workflows/contract"
)

// relayKicker wakes a worker-side relay (the e-mail one, or the webhook one)
// after a transaction queued work for it. Kicks coalesce: at most one signal is in flight, and a kick that
// arrives meanwhile sends exactly one more once it returns, at least kickGap after the
// previous one, so a burst of registrations costs a few signals a second (each is a
// workflow task on the Temporal server) while every commit is followed by a
// signal sent after it. The relay's periodic sweep covers a lost signal.
// Each signal carries the trace contexts of the kicks it answers, so the relay's pass
// joins the requests' traces (workflows.DeliveryRelay).
type relayKicker struct {
	temporal client.Client
	queue    string
	log      *slog.Logger
	relay    relayTarget

	mu              sync.Mutex
	inFlight, again bool
	traces          []map[string]string // of the kicks the next signal answers
}

// kickGap is the least time between two signals of one kicker: a lone kick is sent at once,
// the kicks of a burst wait for the gap and go as one signal. The relay drains its whole
// queue on each signal, so the gap delays a confirmation by at most this much.
const kickGap = 250 * time.Millisecond

// relayTarget is the relay workflow a kicker signals (with start).
type relayTarget struct {
	id, signal, workflow, summary, lost string
	input                               any
}

func newRelayKicker(c client.Client, queue string, log *slog.Logger) *relayKicker {
	return &relayKicker{temporal: c, queue: queue, log: log, relay: relayTarget{
		id: contract.DeliveryRelayWorkflowID(queue), signal: contract.RelayKickSignal, workflow: contract.DeliveryRelayWorkflow,
		summary: "Sends queued confirmation e-mails", lost: "delivery relay not signalled; its sweep will pick the e-mails up",
		input: contract.DeliveryRelayInput{},
	}}
}

// newWebhookKicker wakes the webhook relay after a request queued events.
func newWebhookKicker(c client.Client, queue string, log *slog.Logger) *relayKicker {
	return &relayKicker{temporal: c, queue: queue, log: log, relay: relayTarget{
		id: contract.WebhookRelayWorkflowID(queue), signal: contract.WebhookKickSignal, workflow: contract.WebhookRelayWorkflow,
		summary: "Delivers queued webhook events", lost: "webhook relay not signalled; its sweep will pick the events up",
		input: contract.WebhookRelayInput{},
	}}
}

// kick is called after a commit that queued e-mails, with the request's context.
func (k *relayKicker) kick(ctx context.Context) {
	if k == nil || k.temporal == nil {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if c := tracing.Inject(ctx); c != nil && len(k.traces) < contract.MaxRelayKickTraces {
		k.traces = append(k.traces, c)
	}
	if k.inFlight {
		k.again = true
		return
	}
	k.inFlight = true
	go k.signal()
}

func (k *relayKicker) signal() {
	for {
		sent := time.Now()
		k.mu.Lock()
		kick := contract.RelayKick{Traces: k.traces}
		k.traces, k.again = nil, false // the kicks so far are answered by this signal
		k.mu.Unlock()
		// The signal itself is traced under the first request it answers.
		ctx := context.Background()
		if len(kick.Traces) > 0 {
			ctx = tracing.ContextWithRemote(ctx, kick.Traces[0])
		}
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		_, err := k.temporal.SignalWithStartWorkflow(ctx, k.relay.id, k.relay.signal, kick,
			client.StartWorkflowOptions{
				ID: k.relay.id, TaskQueue: k.queue,
				WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
				StaticSummary:            k.relay.summary,
			}, k.relay.workflow, k.relay.input)
		cancel()
		if err != nil {
			k.log.WarnContext(ctx, k.relay.lost, "err", err)
		}
		k.mu.Lock()
		if !k.again {
			k.inFlight = false
			k.mu.Unlock()
			return
		}
		k.mu.Unlock()
		time.Sleep(time.Until(sent.Add(kickGap)))
	}
}
