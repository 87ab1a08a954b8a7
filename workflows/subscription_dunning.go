package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/onairhq/onair/activities"
	"github.com/onairhq/onair/mail"
)

// dunning moves a delinquent subscription along the grace period: first
// e-mail, reminders, suspension; and lifts everything once it is paid again.
func (w *subscription) dunning(ctx workflow.Context, now time.Time) error {
	delinquent := w.st.Status == "past_due" || w.st.Status == "unpaid"
	switch {
	case delinquent && w.st.DunningSince.IsZero():
		w.st.DunningSince, w.st.RemindersSent = now, 0
		if err := w.save(ctx); err != nil {
			return err
		}
		return w.mail(ctx, mail.KindPaymentFailed)
	case !delinquent && !w.st.DunningSince.IsZero():
		wasSuspended := w.st.Suspended
		w.st.DunningSince, w.st.RemindersSent, w.st.Suspended = time.Time{}, 0, false
		if wasSuspended {
			if err := w.suspend(ctx, false, now); err != nil {
				return err
			}
		}
		if err := w.save(ctx); err != nil {
			return err
		}
		return w.mail(ctx, mail.KindPaymentRestored)
	case !delinquent || w.st.Suspended:
		return nil
	}
	if w.st.RemindersSent < len(DunningReminders) {
		if now.Before(w.st.DunningSince.Add(DunningReminders[w.st.RemindersSent])) {
			return nil
		}
		w.st.RemindersSent++
		return w.mail(ctx, mail.KindPaymentReminder)
	}
	if now.Before(w.st.DunningSince.Add(DunningGrace)) {
		return nil
	}
	w.st.Suspended = true
	if err := w.suspend(ctx, true, now); err != nil {
		return err
	}
	return w.mail(ctx, mail.KindWorkspaceSuspended)
}

func (w *subscription) suspend(ctx workflow.Context, on bool, now time.Time) error {
	in := activities.SetSuspendedInput{WorkspaceID: w.st.WorkspaceID, Suspended: on, At: now}
	return workflow.ExecuteActivity(providerOptions(ctx), a.SetSuspended, in).Get(ctx, nil)
}

func (w *subscription) mail(ctx workflow.Context, kind string) error {
	in := activities.SendBillingMailInput{WorkspaceID: w.st.WorkspaceID, Kind: kind, GraceEndsAt: w.st.DunningSince.Add(DunningGrace)}
	return workflow.ExecuteActivity(providerOptions(ctx), a.SendBillingMail, in).Get(ctx, nil)
}
