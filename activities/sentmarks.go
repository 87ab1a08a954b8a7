package activities

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/store"
)

// sentMarks records deliveries as sent the moment their e-mail was accepted. A crash
// between the server's 250 and the mark sends that e-mail again (at-least-once), so the
// mark must follow the 250 as closely as possible: each send hands its delivery over and
// waits for the mark, and one statement marks every delivery waiting when it starts. With
// dozens of sends in flight, one commit then serves many of them instead of each queueing
// for a connection and a commit of its own, which is where the time between 250 and mark
// went. Waiting keeps sent-but-unmarked e-mails at most one per send in progress.
type sentMarks struct {
	requests chan markRequest
	stopped  chan struct{}
}

type markRequest struct {
	outcome store.DeliveryOutcome
	marked  chan error
}

// maxMarksPerStatement bounds one UPDATE's IN list.
const maxMarksPerStatement = 500

// startMarking runs the marker until stop. Marks outlive ctx's cancellation: an e-mail
// that left is recorded even when the activity is being cancelled.
func startMarking(ctx context.Context, db bun.IDB) *sentMarks {
	m := &sentMarks{requests: make(chan markRequest), stopped: make(chan struct{})}
	go m.run(context.WithoutCancel(ctx), db)
	return m
}

func (m *sentMarks) run(ctx context.Context, db bun.IDB) {
	defer close(m.stopped)
	for first := range m.requests {
		batch := []markRequest{first}
	gather:
		for len(batch) < maxMarksPerStatement {
			select {
			case r, ok := <-m.requests:
				if !ok {
					break gather
				}
				batch = append(batch, r)
			default:
				break gather
			}
		}
		done := make([]store.DeliveryOutcome, len(batch))
		for i, r := range batch {
			done[i] = r.outcome
		}
		err := store.MarkDeliveriesSent(ctx, db, done)
		for _, r := range batch {
			r.marked <- err
		}
	}
}

// mark records a delivery as done, with its outcome, and returns once it is committed.
func (m *sentMarks) mark(outcome store.DeliveryOutcome) error {
	r := markRequest{outcome: outcome, marked: make(chan error, 1)}
	m.requests <- r
	return <-r.marked
}

// stop ends the marker once every mark asked for is done; mark must not be called after.
func (m *sentMarks) stop() {
	close(m.requests)
	<-m.stopped
}
