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

// relayKicker wakes the worker-side delivery relay after a transaction queued
// e-mails. Kicks coalesce: at most one signal is in flight, and a kick that
// arrives meanwhile sends exactly one more once it returns, so a burst of
// registrations costs a few signals while every commit is followed by a
// signal sent after it. The relay's periodic sweep covers a lost signal.
// Each signal carries the trace contexts of the kicks it answers, so the relay's pass
// joins the requests' traces (workflows.DeliveryRelay).
type relayKicker struct {
	temporal client.Client
	queue    string
	log      *slog.Logger

	mu              sync.Mutex
	inFlight, again bool
	traces          []map[string]string // of the kicks the next signal answers
}

func newRelayKicker(c client.Client, queue string, log *slog.Logger) *relayKicker {
	return &relayKicker{temporal: c, queue: queue, log: log}
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
		k.mu.Lock()
		kick := contract.RelayKick{Traces: k.traces}
		k.traces = nil
		k.mu.Unlock()
		// The signal itself is traced under the first request it answers.
		ctx := context.Background()
		if len(kick.Traces) > 0 {
			ctx = tracing.ContextWithRemote(ctx, kick.Traces[0])
		}
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		_, err := k.temporal.SignalWithStartWorkflow(ctx, contract.DeliveryRelayWorkflowID(k.queue), contract.RelayKickSignal, kick,
			client.StartWorkflowOptions{
				ID: contract.DeliveryRelayWorkflowID(k.queue), TaskQueue: k.queue,
				WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
				StaticSummary:            "Sends queued confirmation e-mails",
			}, contract.DeliveryRelayWorkflow, contract.DeliveryRelayInput{})
		cancel()
		if err != nil {
			k.log.Warn("delivery relay not signalled; its sweep will pick the e-mails up", "err", err)
		}
		k.mu.Lock()
		if !k.again {
			k.inFlight = false
			k.mu.Unlock()
			return
		}
		k.again = false
		k.mu.Unlock()
	}
}
