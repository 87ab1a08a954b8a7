package api

import (
	"context"
	"log/slog"

	"go.temporal.io/sdk/client"
)

// lifecycle is the API's side of Temporal: the client and the task queue the workers
// listen on, with the operations the handlers use. The session workflow's own are in
// session_workflow.go.
type lifecycle struct {
	client client.Client
	queue  string
	log    *slog.Logger
}

// start starts a workflow on the workers' task queue.
func (l *lifecycle) start(ctx context.Context, opts client.StartWorkflowOptions, workflow, input any) error {
	opts.TaskQueue = l.queue
	_, err := l.client.ExecuteWorkflow(ctx, opts, workflow, input)
	return err
}

// cancel asks a running workflow to stop.
func (l *lifecycle) cancel(ctx context.Context, workflowID string) error {
	return l.client.CancelWorkflow(ctx, workflowID, "")
}

// updateWithStart runs an update of the workflow opts names, starting it with input if it
// does not run, and waits for the update's result into result.
func (l *lifecycle) updateWithStart(ctx context.Context, opts client.StartWorkflowOptions, workflow, input any,
	update string, args []any, result any) error {
	opts.TaskQueue = l.queue
	start := l.client.NewWithStartWorkflowOperation(opts, workflow, input)
	h, err := l.client.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{StartWorkflowOperation: start,
		UpdateOptions: client.UpdateWorkflowOptions{UpdateName: update, Args: args, WaitForStage: client.WorkflowUpdateStageCompleted}})
	if err != nil {
		return err
	}
	return h.Get(ctx, result)
}

// signalWithStart signals the workflow opts names, starting it with input if it does not run.
func (l *lifecycle) signalWithStart(ctx context.Context, opts client.StartWorkflowOptions, signal string, arg, workflow, input any) error {
	opts.TaskQueue = l.queue
	_, err := l.client.SignalWithStartWorkflow(ctx, opts.ID, signal, arg, opts, workflow, input)
	return err
}
