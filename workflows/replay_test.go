package workflows_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/onairhq/onair/activities"
	"github.com/onairhq/onair/billing"
	"github.com/onairhq/onair/devserver"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
	onairworker "github.com/onairhq/onair/worker"
	"github.com/onairhq/onair/workflows"
)

// Histories in testdata/ were recorded from shipped workflow code. Replaying
// them against today's code fails with a non-determinism error when a change
// needs workflow.GetVersion. Record a new one (never overwrite a shipped one)
// with ONAIR_RECORD_HISTORIES=1 go test ./workflows -run TestRecord (each
// TestRecord… runs a real workflow on the embedded server: startRecording).
var histories = map[string]any{
	"workspace_deletion_v1.json": workflows.WorkspaceDeletion,
	"workspace_deletion_v2.json": workflows.WorkspaceDeletion,
	"subscription_v1.json":       workflows.Subscription,
	"session_lifecycle_v1.json":  workflows.SessionLifecycle,
	"session_lifecycle_v2.json":  workflows.SessionLifecycle, // post-live-chain version 1
}

func TestReplaySavedHistories(t *testing.T) {
	for file, fn := range histories {
		t.Run(file, func(t *testing.T) {
			replayer := worker.NewWorkflowReplayer()
			replayer.RegisterWorkflow(fn)
			if err := replayer.ReplayWorkflowHistoryFromJSONFile(nil, filepath.Join("testdata", file)); err != nil {
				t.Fatalf("replay %s: %v", file, err)
			}
		})
	}
}

// startRecording starts the embedded Temporal server and an onair worker with
// acts, for the TestRecord… tests; it skips unless ONAIR_RECORD_HISTORIES is set.
func startRecording(t *testing.T, acts *activities.Activities) (context.Context, client.Client) {
	t.Helper()
	if os.Getenv("ONAIR_RECORD_HISTORIES") == "" {
		t.Skip("set ONAIR_RECORD_HISTORIES=1 to record histories into testdata/")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	quiet := slog.New(slog.DiscardHandler)
	srv, err := devserver.Start(ctx, devserver.Options{FrontendAddress: "127.0.0.1:0", SearchAttributes: workflows.SearchAttributes(), Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Stop() })
	c, err := client.Dial(client.Options{HostPort: srv.FrontendAddress(), Logger: sdklog.NewStructuredLogger(quiet)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	if acts.Log == nil {
		acts.Log = quiet
	}
	w, err := onairworker.New(onairworker.Params{Client: c, Activities: acts})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	return ctx, c
}

// saveHistory writes a finished run's history into testdata/.
func saveHistory(ctx context.Context, t *testing.T, c client.Client, run client.WorkflowRun, file string) {
	t.Helper()
	history := &historypb.History{}
	iter := c.GetWorkflowHistory(ctx, run.GetID(), run.GetRunID(), false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for iter.HasNext() {
		event, err := iter.Next()
		if err != nil {
			t.Fatal(err)
		}
		history.Events = append(history.Events, event)
	}
	data, err := protojson.MarshalOptions{Indent: "  "}.Marshal(history)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("testdata", file), data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("recorded %d events into %s", len(history.Events), file)
}

// TestRecordWorkspaceDeletionHistory deletes a workspace on the embedded server.
func TestRecordWorkspaceDeletionHistory(t *testing.T) {
	db := storetest.SQLite(t)
	ctx, c := startRecording(t, &activities.Activities{DB: db, Billing: billing.NewLocal(db)})
	ws := store.NewWorkspace("Recorded", "free")
	if err := store.Insert(ctx, db, ws); err != nil {
		t.Fatal(err)
	}
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.WorkspaceDeletionWorkflowID(ws.ID), TaskQueue: onairworker.TaskQueue},
		workflows.WorkspaceDeletion, workflows.WorkspaceDeletionInput{WorkspaceID: ws.ID, RequestedBy: "usr_recorder"})
	if err != nil {
		t.Fatal(err)
	}
	if err := run.Get(ctx, nil); err != nil {
		t.Fatal(err)
	}
	saveHistory(ctx, t, c, run, "workspace_deletion_v2.json")
}
