package contract

// RelayKickSignal tells the relay that new deliveries are pending.
const RelayKickSignal = "kick"

// DeliveryRelayInput is empty: the relay serves the store its worker is given.
type DeliveryRelayInput struct{}

// DeliveryRelayWorkflowID is the relay of one task queue.
func DeliveryRelayWorkflowID(taskQueue string) string { return "delivery-relay:" + taskQueue }

// RelayKick is the kick signal's payload: the W3C trace contexts of the requests whose
// commits it follows (coalesced kicks carry several, up to MaxRelayKickTraces), so the
// relay's pass joins their traces. Kicks sent before it existed carry none.
type RelayKick struct {
	Traces []map[string]string `json:"traces,omitempty"`
}

// MaxRelayKickTraces bounds the traces one kick carries: a burst of registrations links a
// relay pass to the first ones, not to thousands.
const MaxRelayKickTraces = 16
