// Package contract is what callers of onair's workflows need to start, signal,
// update and query them: workflow type names, workflow IDs, update/signal/query
// names, search attribute keys, and their payload types. It holds no workflow
// code and imports no activities, so the API depends on it instead of on the
// workflows package. The workflows package re-exports every name here beside
// the workflow it belongs to; the payloads' JSON is what recorded histories hold,
// so their field names and tags do not change.
package contract

// Workflow type names, as the worker registers the workflow functions (the
// function's name); workflows' tests check that they match.
const (
	SessionLifecycleWorkflow  = "SessionLifecycle"
	SubscriptionWorkflow      = "Subscription"
	WorkspaceDeletionWorkflow = "WorkspaceDeletion"
	RegistrantImportWorkflow  = "RegistrantImport"
	InvitationsWorkflow       = "Invitations"
	DeliveryRelayWorkflow     = "DeliveryRelay"
	WebhookRelayWorkflow      = "WebhookRelay"
)
