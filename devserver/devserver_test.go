package devserver_test

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/onairhq/onair/devserver"
	"github.com/onairhq/onair/workflows"
)

const testTaskQueue = "devserver-test"

// greet is a trivial workflow with one activity, enough to prove history, matching and the
// worker path all work.
func greet(ctx workflow.Context, name string) (string, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second})
	var greeting string
	err := workflow.ExecuteActivity(ctx, compose, name).Get(ctx, &greeting)
	return greeting, err
}

func compose(_ context.Context, name string) (string, error) {
	return "hello " + name, nil
}

func TestStartRunsWorkflowsWithSearchAttributesAndUI(t *testing.T) {
	ctx := testContext(t)
	srv := startServer(t, ctx, devserver.Options{
		FrontendAddress:  "127.0.0.1:0",
		UIAddress:        "127.0.0.1:0",
		SearchAttributes: workflows.SearchAttributes(),
	})
	c := dial(t, srv)
	defer c.Close()
	defer startWorker(t, c).Stop()

	ws1 := runGreet(t, ctx, c, "greet-ws1", temporal.NewSearchAttributes(workflows.WorkspaceKey.ValueSet("ws_1")))
	runGreet(t, ctx, c, "greet-ws2", temporal.NewSearchAttributes(workflows.WorkspaceKey.ValueSet("ws_2")))

	// Once both workflows are visible, the query must pick out the first one only.
	awaitVisible(t, ctx, c, "", 2)
	ids := awaitVisible(t, ctx, c, `OnairWorkspace = "ws_1"`, 1)
	if ids[0] != ws1.GetID() {
		t.Errorf(`OnairWorkspace = "ws_1" found %v, want only %s`, ids, ws1.GetID())
	}

	resp, err := http.Get(srv.UIURL())
	if err != nil {
		t.Fatalf("GET web UI: %v", err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET %s: %s, want 200 OK", srv.UIURL(), resp.Status)
	}
}

func TestRestartOnSameDatabaseFile(t *testing.T) {
	ctx := testContext(t)
	db := filepath.Join(t.TempDir(), ".onair", "temporal.db")

	// The first run knows only one attribute, as an older onair would.
	earlier := func() client.WorkflowRun {
		first := startServer(t, ctx, devserver.Options{
			DatabaseFile:     db,
			FrontendAddress:  "127.0.0.1:0",
			SearchAttributes: map[string]enumspb.IndexedValueType{workflows.WorkspaceKey.GetName(): workflows.WorkspaceKey.GetValueType()},
		})
		c := dial(t, first)
		defer c.Close()
		w := startWorker(t, c)
		defer w.Stop()
		run := runGreet(t, ctx, c, "greet-before-restart", temporal.NewSearchAttributes(workflows.WorkspaceKey.ValueSet("ws_1")))
		w.Stop()
		c.Close()
		if err := first.Stop(); err != nil {
			t.Fatalf("Stop: %v", err)
		}
		if err := first.Stop(); err != nil {
			t.Fatalf("second Stop: %v", err)
		}
		return run
	}()

	// The restart registers all attributes: OnairWorkspace is already there, the rest are new.
	second := startServer(t, ctx, devserver.Options{
		DatabaseFile:     db,
		FrontendAddress:  "127.0.0.1:0",
		SearchAttributes: workflows.SearchAttributes(),
	})
	c := dial(t, second)
	defer c.Close()
	desc, err := c.DescribeWorkflowExecution(ctx, earlier.GetID(), earlier.GetRunID())
	if err != nil {
		t.Fatalf("describe workflow from before the restart: %v", err)
	}
	if got := desc.GetWorkflowExecutionInfo().GetStatus(); got != enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED {
		t.Errorf("workflow from before the restart is %s, want COMPLETED", got)
	}

	defer startWorker(t, c).Stop()
	later := runGreet(t, ctx, c, "greet-after-restart", temporal.NewSearchAttributes(workflows.EventKey.ValueSet("ev_1")))
	ids := awaitVisible(t, ctx, c, `OnairEvent = "ev_1"`, 1)
	if ids[0] != later.GetID() {
		t.Errorf(`OnairEvent = "ev_1" found %v, want %s`, ids, later.GetID())
	}
}

func TestStartFailsOnTakenAddress(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()

	tests := []struct {
		name string
		opts devserver.Options
	}{
		{"frontend", devserver.Options{FrontendAddress: taken.Addr().String()}},
		{"web UI", devserver.Options{FrontendAddress: "127.0.0.1:0", UIAddress: taken.Addr().String()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
			srv, err := devserver.Start(testContext(t), tt.opts)
			if err == nil {
				_ = srv.Stop()
				t.Fatalf("Start on taken %s address %s succeeded, want an error", tt.name, taken.Addr())
			}
		})
	}
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func startServer(t *testing.T, ctx context.Context, o devserver.Options) *devserver.Server {
	t.Helper()
	// Stderr rather than t.Log: server goroutines may still log after the test returns.
	o.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	srv, err := devserver.Start(ctx, o)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Stop(); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	return srv
}

func dial(t *testing.T, srv *devserver.Server) client.Client {
	t.Helper()
	c, err := client.Dial(client.Options{HostPort: srv.FrontendAddress()})
	if err != nil {
		t.Fatalf("dial %s: %v", srv.FrontendAddress(), err)
	}
	return c
}

func startWorker(t *testing.T, c client.Client) worker.Worker {
	t.Helper()
	w := worker.New(c, testTaskQueue, worker.Options{})
	w.RegisterWorkflow(greet)
	w.RegisterActivity(compose)
	if err := w.Start(); err != nil {
		t.Fatalf("start worker: %v", err)
	}
	return w
}

// runGreet runs greet to completion and checks its result.
func runGreet(t *testing.T, ctx context.Context, c client.Client, id string, attrs temporal.SearchAttributes) client.WorkflowRun {
	t.Helper()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                    id,
		TaskQueue:             testTaskQueue,
		TypedSearchAttributes: attrs,
	}, greet, "onair")
	if err != nil {
		t.Fatalf("start %s: %v", id, err)
	}
	var got string
	if err := run.Get(ctx, &got); err != nil {
		t.Fatalf("run %s: %v", id, err)
	}
	if got != "hello onair" {
		t.Fatalf("%s returned %q, want %q", id, got, "hello onair")
	}
	return run
}

// awaitVisible polls visibility, which is updated asynchronously, until query matches want
// workflows, and returns their ids.
func awaitVisible(t *testing.T, ctx context.Context, c client.Client, query string, want int) []string {
	t.Helper()
	var last string
	for {
		resp, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: query})
		if err == nil && len(resp.GetExecutions()) == want {
			ids := make([]string, want)
			for i, e := range resp.GetExecutions() {
				ids[i] = e.GetExecution().GetWorkflowId()
			}
			return ids
		}
		if err != nil {
			last = err.Error()
		} else {
			last = fmt.Sprintf("%d workflows", len(resp.GetExecutions()))
		}
		select {
		case <-ctx.Done():
			t.Fatalf("visibility query %s never matched %d workflows; last: %s", query, want, last)
		case <-time.After(100 * time.Millisecond):
		}
	}
}
