package workflows

import (
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/onairhq/onair/activities"
	"github.com/onairhq/onair/workflows/contract"
)

// RegistrantImportInput names the import (its CSV and progress are in the store).
type RegistrantImportInput = contract.RegistrantImportInput

// RegistrantImportWorkflowID is the one workflow of an import.
func RegistrantImportWorkflowID(importID string) string {
	return contract.RegistrantImportWorkflowID(importID)
}

const (
	// importChunk is how many rows one activity registers and commits.
	importChunk = 1000
	// importAttempts bounds the tries of one chunk (about 8 minutes of backoff):
	// an import always ends, failed with the reason if it must.
	importAttempts = 12
)

// RegistrantImport registers a CSV of people chunk by chunk; progress lives in
// the store, so the workflow (and a retried chunk) resumes where it was. After
// each chunk it kicks the delivery relay for the confirmations it queued. A
// chunk that keeps failing, or cannot succeed, fails the import with the
// reason; cancelling the workflow (POST /v1/imports/:id/cancel) stops it
// after the row in progress.
func RegistrantImport(ctx workflow.Context, in RegistrantImportInput) error {
	chunks := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 10 * time.Minute,
		HeartbeatTimeout:    30 * time.Second,
		// The chunk records the rows it registered before it stops.
		WaitForCancellation: true,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute,
			MaximumAttempts: importAttempts, NonRetryableErrorTypes: []string{activities.ImportUnreadable}},
	})
	relay := DeliveryRelayWorkflowID(workflow.GetInfo(ctx).TaskQueueName)
	after, _ := workflow.NewDisconnectedContext(ctx)
	for {
		var res activities.ImportChunkResult
		err := workflow.ExecuteActivity(chunks, a.ImportChunk, activities.ImportChunkInput{ImportID: in.ImportID, Limit: importChunk}).Get(ctx, &res)
		// A relay that is not running sweeps the queue when it next starts.
		_ = workflow.SignalExternalWorkflow(after, relay, "", RelayKickSignal, nil).Get(after, nil)
		switch {
		case ctx.Err() != nil:
			return temporal.NewCanceledError("import cancelled")
		case err != nil:
			return failImport(after, in.ImportID, err)
		case res.Done:
			return nil
		}
	}
}

// failImport records why the import stopped, then fails the workflow with it.
func failImport(ctx workflow.Context, importID string, cause error) error {
	reason := importFailure(cause)
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute, MaximumAttempts: 20},
	})
	if err := workflow.ExecuteActivity(ctx, a.FailImport, activities.FailImportInput{ImportID: importID, Reason: reason}).Get(ctx, nil); err != nil {
		return fmt.Errorf("record the failure of import %s (%s): %w", importID, reason, err)
	}
	return temporal.NewNonRetryableApplicationError(reason, "ImportFailed", cause)
}

// maxFailure bounds the reason stored with a failed import.
const maxFailure = 500

// importFailure says in a sentence why a chunk failed for good: an error
// retries cannot heal as it is, any other after the last attempt.
func importFailure(err error) string {
	cause := err
	var act *temporal.ActivityError
	if errors.As(err, &act) && errors.Unwrap(act) != nil {
		cause = errors.Unwrap(act)
	}
	gaveUp := fmt.Sprintf("gave up after %d attempts: ", importAttempts)
	var app *temporal.ApplicationError
	var timeout *temporal.TimeoutError
	var msg string
	switch {
	case errors.As(cause, &app) && app.NonRetryable():
		msg = app.Message()
	case errors.As(cause, &app):
		msg = gaveUp + app.Message()
	case errors.As(cause, &timeout):
		msg = gaveUp + "a chunk of rows timed out"
	default:
		msg = gaveUp + cause.Error()
	}
	if r := []rune(msg); len(r) > maxFailure {
		msg = string(r[:maxFailure]) + "…"
	}
	return msg
}
