package workflows

import (
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/onairhq/onair/activities"
	"github.com/onairhq/onair/workflows/contract"
)

// registeredName is the name the Temporal SDK registers a workflow function under
// (worker.RegisterWorkflow without options), as the SDK derives it: the function's name without its package.
func registeredName(fn any) string {
	full := runtime.FuncForPC(reflect.ValueOf(fn).Pointer()).Name()
	return strings.TrimSuffix(full[strings.LastIndex(full, ".")+1:], "-fm")
}

// The API starts workflows by the type names in contract: each must be the name the
// worker registers the function under, or starting it fails with an unknown type.
func TestContractWorkflowNamesMatchFunctions(t *testing.T) {
	for _, tc := range []struct {
		name string
		fn   any
	}{
		{contract.SessionLifecycleWorkflow, SessionLifecycle},
		{contract.SubscriptionWorkflow, Subscription},
		{contract.WorkspaceDeletionWorkflow, WorkspaceDeletion},
		{contract.RegistrantImportWorkflow, RegistrantImport},
		{contract.InvitationsWorkflow, Invitations},
		{contract.DeliveryRelayWorkflow, DeliveryRelay},
		{contract.WebhookRelayWorkflow, WebhookRelay},
	} {
		if got := registeredName(tc.fn); got != tc.name {
			t.Errorf("contract name %q, but the worker registers %q", tc.name, got)
		}
	}
}

// The status query carries the SummarizeExports activity's result in contract's own type:
// the conversion compiles only while both have the same fields and tags, so the same JSON.
var _ = contract.ExportsSummary(activities.ExportsSummary{})
