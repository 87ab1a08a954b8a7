package api

import (
	"context"
	"log/slog"
	"sync"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/onairhq/onair/workflows/contract"
)

// relayKicker wakes the worker-side delivery relay after a transaction queued
// e-mails. Kicks coalesce: at most one signal is in flight, and a kick that
// arrives meanwhile sends exactly one more once it returns, so a burst of
// registrations costs a few signals while every commit is followed by a
// signal sent after it. The relay's periodic sweep covers a lost signal.
type relayKicker struct {
	temporal client.Client
	queue    string
	log      *slog.Logger

	mu              sync.Mutex
	inFlight, again bool
}

func newRelayKicker(c client.Client, queue string, log *slog.Logger) *relayKicker {
	return &relayKicker{temporal: c, queue: queue, log: log}
}

func (k *relayKicker) kick() {
	if k == nil || k.temporal == nil {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.inFlight {
		k.again = true
		return
	}
	k.inFlight = true
	go k.signal()
}

func (k *relayKicker) signal() {
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_, err := k.temporal.SignalWithStartWorkflow(ctx, contract.DeliveryRelayWorkflowID(k.queue), contract.RelayKickSignal, nil,
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
