package workflows_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/onairhq/onair/activities"
	"github.com/onairhq/onair/workflows"
)

// An import always ends: a chunk that keeps failing is tried a bounded number
// of times, an error retries cannot heal is not retried, and either way the
// import is marked failed with the reason.
func TestRegistrantImportGivesUpWithTheReason(t *testing.T) {
	for _, tc := range []struct {
		name      string
		err       error
		attempts  int
		reasonHas string
	}{
		{"retries exhausted", errors.New("database is locked"), 12, "gave up after 12 attempts: database is locked"},
		{"cannot heal", temporal.NewNonRetryableApplicationError("the file cannot be read: no email column", activities.ImportUnreadable, nil),
			1, "the file cannot be read: no email column"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var suite testsuite.WorkflowTestSuite
			env := suite.NewTestWorkflowEnvironment()
			var acts *activities.Activities
			env.RegisterActivity(acts)
			kickRelay(env)
			var attempts atomic.Int32
			env.OnActivity(acts.ImportChunk, mock.Anything, mock.Anything).Return(
				func(context.Context, activities.ImportChunkInput) (activities.ImportChunkResult, error) {
					attempts.Add(1)
					return activities.ImportChunkResult{}, tc.err
				})
			var failed activities.FailImportInput
			env.OnActivity(acts.FailImport, mock.Anything, mock.Anything).Return(
				func(_ context.Context, in activities.FailImportInput) error {
					failed = in
					return nil
				})
			env.ExecuteWorkflow(workflows.RegistrantImport, workflows.RegistrantImportInput{ImportID: "imp_1"})
			if !env.IsWorkflowCompleted() || env.GetWorkflowError() == nil {
				t.Fatalf("the workflow did not fail: completed %v, error %v", env.IsWorkflowCompleted(), env.GetWorkflowError())
			}
			if n := int(attempts.Load()); n != tc.attempts {
				t.Fatalf("%d attempts, want %d", n, tc.attempts)
			}
			if failed.ImportID != "imp_1" || !strings.Contains(failed.Reason, tc.reasonHas) {
				t.Fatalf("import marked failed with %+v, want a reason saying %q", failed, tc.reasonHas)
			}
		})
	}
}

// A cancelled import stops between chunks and is not marked failed.
func TestRegistrantImportStopsWhenCancelled(t *testing.T) {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	var acts *activities.Activities
	env.RegisterActivity(acts)
	kickRelay(env)
	chunks := 0
	env.OnActivity(acts.ImportChunk, mock.Anything, mock.Anything).Return(
		func(context.Context, activities.ImportChunkInput) (activities.ImportChunkResult, error) {
			chunks++
			if chunks == 2 {
				env.CancelWorkflow()
			}
			return activities.ImportChunkResult{}, nil
		})
	env.OnActivity(acts.FailImport, mock.Anything, mock.Anything).Return(
		func(context.Context, activities.FailImportInput) error {
			t.Error("a cancelled import was marked failed")
			return nil
		}).Maybe()
	env.ExecuteWorkflow(workflows.RegistrantImport, workflows.RegistrantImportInput{ImportID: "imp_1"})
	if err := env.GetWorkflowError(); !temporal.IsCanceledError(err) {
		t.Fatalf("workflow error %v, want cancelled", err)
	}
	if chunks != 2 {
		t.Fatalf("%d chunks ran, want 2", chunks)
	}
}

// kickRelay lets the workflow signal the delivery relay after each chunk.
func kickRelay(env *testsuite.TestWorkflowEnvironment) {
	env.OnSignalExternalWorkflow(mock.Anything, mock.Anything, mock.Anything, mock.Anything, mock.Anything).Return(nil).Maybe()
}
