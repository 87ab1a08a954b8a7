package contract

import (
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
)

// onair's custom search attributes. Workflows set them as typed attributes so operators can
// filter in the Temporal Web UI, e.g. `OnairWorkspace = "ws_1" AND OnairSessionStatus = "live"`.
var (
	// WorkspaceKey holds the id of the workspace (tenant) a workflow belongs to.
	WorkspaceKey = temporal.NewSearchAttributeKeyKeyword("OnairWorkspace")
	// EventKey holds the id of the event a workflow belongs to.
	EventKey = temporal.NewSearchAttributeKeyKeyword("OnairEvent")
	// SessionStatusKey mirrors the session's status: scheduled, open, live, ended, processed,
	// processing_failed, cancelled.
	SessionStatusKey = temporal.NewSearchAttributeKeyKeyword("OnairSessionStatus")
	// ScheduledStartKey is the session's scheduled start, to find the sessions due in a window.
	ScheduledStartKey = temporal.NewSearchAttributeKeyTime("OnairScheduledStart")
	// FailedStepKey names the step that failed (e.g. a post-live export), so failures are one query away.
	FailedStepKey = temporal.NewSearchAttributeKeyKeyword("OnairFailedStep")
)

// SearchAttributes returns onair's custom search attributes by name and type, for registering
// them in a namespace: the dev server at start, `onair worker` through the operator service.
func SearchAttributes() map[string]enumspb.IndexedValueType {
	keys := []temporal.SearchAttributeKey{
		WorkspaceKey,
		EventKey,
		SessionStatusKey,
		ScheduledStartKey,
		FailedStepKey,
	}
	attrs := make(map[string]enumspb.IndexedValueType, len(keys))
	for _, k := range keys {
		attrs[k.GetName()] = k.GetValueType()
	}
	return attrs
}
