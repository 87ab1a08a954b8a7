package workflows

import (
	enumspb "go.temporal.io/api/enums/v1"

	"github.com/onairhq/onair/workflows/contract"
)

// onair's custom search attributes (contract.WorkspaceKey and the others).
var (
	WorkspaceKey      = contract.WorkspaceKey
	EventKey          = contract.EventKey
	SessionStatusKey  = contract.SessionStatusKey
	ScheduledStartKey = contract.ScheduledStartKey
	FailedStepKey     = contract.FailedStepKey
)

// SearchAttributes returns onair's custom search attributes by name and type (contract.SearchAttributes).
func SearchAttributes() map[string]enumspb.IndexedValueType { return contract.SearchAttributes() }
