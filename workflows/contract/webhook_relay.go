package contract

// WebhookKickSignal tells the webhook relay that new events are queued.
const WebhookKickSignal = "kick"

// WebhookRelayInput is empty: the relay serves the store its worker is given.
type WebhookRelayInput struct{}

// WebhookRelayWorkflowID is the webhook relay of one task queue.
func WebhookRelayWorkflowID(taskQueue string) string { return "webhook-relay:" + taskQueue }
