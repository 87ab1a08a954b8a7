package contract

// RelayKickSignal tells the relay that new deliveries are pending.
const RelayKickSignal = "kick"

// DeliveryRelayInput is empty: the relay serves the store its worker is given.
type DeliveryRelayInput struct{}

// DeliveryRelayWorkflowID is the relay of one task queue.
func DeliveryRelayWorkflowID(taskQueue string) string { return "delivery-relay:" + taskQueue }
