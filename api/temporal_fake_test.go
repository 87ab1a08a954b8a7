package api_test

import (
	"context"
	"sync"

	"go.temporal.io/sdk/client"
)

// startedWorkflows stands in for the Temporal client: it records the workflow
// ids the API starts. Any other client method panics (nil embedded client), so
// a new use of Temporal shows up here instead of passing silently.
type startedWorkflows struct {
	client.Client
	mu  sync.Mutex
	ids []string
}

func (f *startedWorkflows) ExecuteWorkflow(_ context.Context, o client.StartWorkflowOptions, _ any, _ ...any) (client.WorkflowRun, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ids = append(f.ids, o.ID)
	return nil, nil
}

func (f *startedWorkflows) started() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.ids...)
}
