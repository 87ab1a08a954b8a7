// Package worker builds onair's Temporal worker: the task queue it polls, the workflows and
// activities registered on it, the search attributes they rely on, and the SDK metrics it
// exports. `onair worker` runs it against a Temporal cluster, `onair dev` against the embedded
// dev server.
package worker

import (
	"errors"

	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/onairhq/onair/activities"
	"github.com/onairhq/onair/workflows"
)

// TaskQueue is the one task queue onair's workflows and activities run on; workers scale
// horizontally by polling it from more processes.
const TaskQueue = "onair"

// Params is what New needs.
type Params struct {
	// Client connects the worker to Temporal.
	Client client.Client
	// Activities carries the dependencies of every activity.
	Activities *activities.Activities
	// TaskQueue overrides TaskQueue (tests give each store its own queue).
	TaskQueue string
}

// New builds the worker with every onair workflow and activity registered; the
// caller starts it (Run or Start) and stops it.
func New(p Params) (sdkworker.Worker, error) {
	if p.Client == nil {
		return nil, errors.New("new worker: no Temporal client")
	}
	if p.Activities == nil {
		return nil, errors.New("new worker: no activities")
	}
	queue := p.TaskQueue
	if queue == "" {
		queue = TaskQueue
	}
	w := sdkworker.New(p.Client, queue, sdkworker.Options{})
	w.RegisterWorkflow(workflows.WorkspaceDeletion)
	w.RegisterWorkflow(workflows.SessionLifecycle)
	w.RegisterWorkflow(workflows.DeliveryRelay)
	w.RegisterWorkflow(workflows.WebhookRelay)
	w.RegisterWorkflow(workflows.RegistrantImport)
	w.RegisterWorkflow(workflows.Invitations)
	w.RegisterWorkflow(workflows.Subscription)
	w.RegisterActivity(p.Activities)
	return w, nil
}

// EgressParams is what NewEgress needs.
type EgressParams struct {
	Client client.Client
	Egress *activities.Egress
	// TaskQueue is the main queue (TaskQueue when empty); the egress queue is named after it.
	TaskQueue string
}

// NewEgress builds the worker of the egress task queue (TaskQueue + "-egress"): only the
// activities that need ffmpeg, so only processes that have it take their tasks. One
// composite at a time per worker: ffmpeg uses the cores it is given.
func NewEgress(p EgressParams) (sdkworker.Worker, error) {
	if p.Client == nil || p.Egress == nil {
		return nil, errors.New("new egress worker: no Temporal client or no egress activities")
	}
	queue := p.TaskQueue
	if queue == "" {
		queue = TaskQueue
	}
	w := sdkworker.New(p.Client, queue+workflows.EgressQueueSuffix, sdkworker.Options{MaxConcurrentActivityExecutionSize: 1})
	w.RegisterActivity(p.Egress)
	return w, nil
}
