package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/onairhq/onair/activities"
)

// RegistrantImportInput names the import (its CSV and progress are in the store).
type RegistrantImportInput struct {
	ImportID string
}

// RegistrantImportWorkflowID is the one workflow of an import.
func RegistrantImportWorkflowID(importID string) string { return "import:" + importID }

// importChunk is how many rows one activity registers and commits.
const importChunk = 1000

// RegistrantImport registers a CSV of people chunk by chunk; progress lives in
// the store, so the workflow (and a retried chunk) resumes where it was. After
// each chunk it kicks the delivery relay for the confirmations it queued.
func RegistrantImport(ctx workflow.Context, in RegistrantImportInput) error {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 10 * time.Minute,
		HeartbeatTimeout:    30 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute},
	})
	relay := DeliveryRelayWorkflowID(workflow.GetInfo(ctx).TaskQueueName)
	for {
		var res activities.ImportChunkResult
		if err := workflow.ExecuteActivity(ctx, a.ImportChunk, activities.ImportChunkInput{ImportID: in.ImportID, Limit: importChunk}).Get(ctx, &res); err != nil {
			return err
		}
		// A relay that is not running sweeps the queue when it next starts.
		_ = workflow.SignalExternalWorkflow(ctx, relay, "", RelayKickSignal, nil).Get(ctx, nil)
		if res.Done {
			return nil
		}
	}
}
