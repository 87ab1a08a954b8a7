package worker_test

import (
	"context"
	"log/slog"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/onairhq/onair/activities"
	"github.com/onairhq/onair/devserver"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
	"github.com/onairhq/onair/worker"
	"github.com/onairhq/onair/workflows"
)

func TestWorkerExportsSDKMetricsToPrometheus(t *testing.T) {
	ctx := testContext(t)
	srv := startServer(t, ctx, nil)

	reg := prometheus.NewRegistry()
	metrics, err := worker.NewMetricsHandler(reg)
	if err != nil {
		t.Fatalf("NewMetricsHandler: %v", err)
	}
	c, err := client.Dial(client.Options{HostPort: srv.FrontendAddress(), MetricsHandler: metrics})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer c.Close()
	db := storetest.SQLite(t)
	ws := store.NewWorkspace("Metered", "free")
	if err := store.Insert(ctx, db, ws); err != nil {
		t.Fatal(err)
	}
	w, err := worker.New(worker.Params{Client: c, Activities: &activities.Activities{DB: db, Log: slog.New(slog.DiscardHandler)}})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if err := w.Start(); err != nil {
		t.Fatalf("start worker: %v", err)
	}
	defer w.Stop()

	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.WorkspaceDeletionWorkflowID(ws.ID), TaskQueue: worker.TaskQueue},
		workflows.WorkspaceDeletion, workflows.WorkspaceDeletionInput{WorkspaceID: ws.ID})
	if err != nil {
		t.Fatalf("start workflow: %v", err)
	}
	var got workflows.WorkspaceDeletionResult
	if err := run.Get(ctx, &got); err != nil || !got.Erased {
		t.Fatalf("workflow returned %+v, %v; want erased", got, err)
	}

	// Client requests, and a workflow task run by this worker on the onair task queue. The
	// worker counts the completion after the server has it, so run.Get may return first.
	prefixes := []string{"temporal_request", "temporal_workflow_task_execution_latency", "temporal_workflow_completed"}
	var missing []string
	var names []string
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		families, err := reg.Gather()
		if err != nil {
			t.Fatalf("gather: %v", err)
		}
		names, missing = names[:0], missing[:0]
		for _, f := range families {
			names = append(names, f.GetName())
		}
		for _, prefix := range prefixes {
			if !slices.ContainsFunc(names, func(n string) bool { return strings.HasPrefix(n, prefix) }) {
				missing = append(missing, prefix)
			}
		}
		if len(missing) == 0 || time.Now().After(deadline) {
			break
		}
	}
	for _, prefix := range missing {
		t.Errorf("no metric family named %s* among %v", prefix, names)
	}
}

func TestEnsureSearchAttributes(t *testing.T) {
	ctx := testContext(t)
	// A namespace that already has one of onair's attributes, as after an older release.
	srv := startServer(t, ctx, map[string]enumspb.IndexedValueType{
		workflows.WorkspaceKey.GetName(): workflows.WorkspaceKey.GetValueType(),
	})
	c, err := client.Dial(client.Options{HostPort: srv.FrontendAddress()})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer c.Close()

	for i := range 2 { // idempotent: the second call finds everything in place
		if err := worker.EnsureSearchAttributes(ctx, c, devserver.DefaultNamespace); err != nil {
			t.Fatalf("EnsureSearchAttributes (call %d): %v", i+1, err)
		}
	}
	resp, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: devserver.DefaultNamespace})
	if err != nil {
		t.Fatalf("list search attributes: %v", err)
	}
	for name, typ := range workflows.SearchAttributes() {
		if got := resp.GetCustomAttributes()[name]; got != typ {
			t.Errorf("search attribute %s is %s, want %s", name, got, typ)
		}
	}

	// An attribute it added is usable right away.
	start := time.Date(2030, 1, 2, 15, 0, 0, 0, time.UTC)
	_, err = c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                    "scheduled",
		TaskQueue:             worker.TaskQueue,
		TypedSearchAttributes: temporal.NewSearchAttributes(workflows.ScheduledStartKey.ValueSet(start)),
	}, workflows.WorkspaceDeletion, workflows.WorkspaceDeletionInput{WorkspaceID: "ws_none"})
	if err != nil {
		t.Fatalf("start workflow with %s: %v", workflows.ScheduledStartKey.GetName(), err)
	}
	// Visibility is updated asynchronously: poll until the workflow is found by its start time.
	// A window, as onair asks "which sessions start soon" (and SQLite visibility does not match
	// datetimes with =).
	query := `OnairScheduledStart >= "2030-01-02T14:00:00Z" AND OnairScheduledStart < "2030-01-02T16:00:00Z"`
	for {
		resp, err := c.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Namespace: devserver.DefaultNamespace, Query: query})
		if err != nil {
			t.Fatalf("count %s: %v", query, err)
		}
		if resp.GetCount() == 1 {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s never counted the started workflow", query)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func TestEnsureSearchAttributesRefusesAnotherType(t *testing.T) {
	ctx := testContext(t)
	srv := startServer(t, ctx, map[string]enumspb.IndexedValueType{
		workflows.EventKey.GetName(): enumspb.INDEXED_VALUE_TYPE_INT,
	})
	c, err := client.Dial(client.Options{HostPort: srv.FrontendAddress()})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer c.Close()
	err = worker.EnsureSearchAttributes(ctx, c, devserver.DefaultNamespace)
	if err == nil || !strings.Contains(err.Error(), workflows.EventKey.GetName()) {
		t.Fatalf("EnsureSearchAttributes with %s registered as Int: %v, want an error naming it", workflows.EventKey.GetName(), err)
	}
}

func TestNewNeedsClientAndRegistrations(t *testing.T) {
	if _, err := worker.New(worker.Params{Activities: &activities.Activities{}}); err == nil {
		t.Error("New without a client succeeded, want an error")
	}
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// startServer starts an in-memory dev server with attrs registered in its default namespace.
func startServer(t *testing.T, ctx context.Context, attrs map[string]enumspb.IndexedValueType) *devserver.Server {
	t.Helper()
	srv, err := devserver.Start(ctx, devserver.Options{
		FrontendAddress:  "127.0.0.1:0",
		SearchAttributes: attrs,
		Logger:           slog.New(slog.NewTextHandler(os.Stderr, nil)),
	})
	if err != nil {
		t.Fatalf("start dev server: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Stop(); err != nil {
			t.Errorf("stop dev server: %v", err)
		}
	})
	return srv
}
