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
	"github.com/onairhq/onair/devserver"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
	onairworker "github.com/onairhq/onair/worker"
	"github.com/onairhq/onair/workflows"
)

// Histories in testdata/ were recorded from shipped workflow code. Replaying
// them against today's code fails with a non-determinism error when a change
// needs workflow.GetVersion. Record a new one (never overwrite a shipped one)
// with ONAIR_RECORD_HISTORIES=1 go test ./workflows -run TestRecord.
var histories = map[string]any{
	"workspace_deletion_v1.json": workflows.WorkspaceDeletion,
	"subscription_v1.json":       workflows.Subscription,
	"session_lifecycle_v1.json":  workflows.SessionLifecycle,
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

// TestRecordWorkspaceDeletionHistory runs the workflow on the embedded server
// and saves its history; it runs only when asked to.
func TestRecordWorkspaceDeletionHistory(t *testing.T) {
	if os.Getenv("ONAIR_RECORD_HISTORIES") == "" {
		t.Skip("set ONAIR_RECORD_HISTORIES=1 to record histories into testdata/")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	quiet := slog.New(slog.DiscardHandler)
	srv, err := devserver.Start(ctx, devserver.Options{FrontendAddress: "127.0.0.1:0", SearchAttributes: workflows.SearchAttributes(), Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	c, err := client.Dial(client.Options{HostPort: srv.FrontendAddress(), Logger: sdklog.NewStructuredLogger(quiet)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	db := storetest.SQLite(t)
	ws := store.NewWorkspace("Recorded", "free")
	if err := store.Insert(ctx, db, ws); err != nil {
		t.Fatal(err)
	}
	w, err := onairworker.New(onairworker.Params{Client: c, Activities: &activities.Activities{DB: db, Log: quiet}})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.WorkspaceDeletionWorkflowID(ws.ID), TaskQueue: onairworker.TaskQueue},
		workflows.WorkspaceDeletion, workflows.WorkspaceDeletionInput{WorkspaceID: ws.ID, RequestedBy: "usr_recorder"})
	if err != nil {
		t.Fatal(err)
	}
	if err := run.Get(ctx, nil); err != nil {
		t.Fatal(err)
	}
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
	if err := os.WriteFile(filepath.Join("testdata", "workspace_deletion_v1.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("recorded %d events", len(history.Events))
}
