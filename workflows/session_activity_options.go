package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/onairhq/onair/activities"
)

// How SessionLifecycle runs its activities: e-mail fan-outs with heartbeats, and short store
// writes.

// notify tells registrants still expecting the session, and its speakers.
func (s *sessionRun) notify(ctx workflow.Context, mailKind, deliveryKind string) error {
	return s.fanOut(ctx, activities.SendSessionMailsInput{
		SessionID: s.in.SessionID, MailKind: mailKind, DeliveryKind: deliveryKind,
		Statuses: activities.Notified, Speakers: true,
	})
}

func (s *sessionRun) fanOut(ctx workflow.Context, in activities.SendSessionMailsInput) error {
	return s.fanOutWith(workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Hour,
		HeartbeatTimeout:    10 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute},
	}), in)
}

// fanOutWith runs SendSessionMails with the activity options ctx carries.
func (s *sessionRun) fanOutWith(ctx workflow.Context, in activities.SendSessionMailsInput) error {
	return workflow.ExecuteActivity(ctx, a.SendSessionMails, in).Get(ctx, nil)
}

func shortOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute},
	})
}
