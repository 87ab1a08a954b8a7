// Package worker builds onair's Temporal worker: the task queue it polls, the workflows and
// activities registered on it, the search attributes they rely on, and the SDK metrics it
// exports. `onair worker` runs it against a Temporal cluster, `onair dev` against the embedded
// dev server.
package worker

import (
	"errors"

	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
)

// TaskQueue is the one task queue onair's workflows and activities run on; workers scale
// horizontally by polling it from more processes.
const TaskQueue = "onair"

// Params is what New needs.
type Params struct {
	// Client connects the worker to Temporal.
	Client client.Client
	// Register adds the workflows and activities the worker runs.
	Register func(sdkworker.Registry)
}

// New builds the worker on TaskQueue; the caller starts it (Run or Start) and stops it.
func New(p Params) (sdkworker.Worker, error) {
	if p.Client == nil {
		return nil, errors.New("new worker: no Temporal client")
	}
	if p.Register == nil {
		return nil, errors.New("new worker: no workflows or activities to register")
	}
	w := sdkworker.New(p.Client, TaskQueue, sdkworker.Options{})
	p.Register(w)
	return w, nil
}
