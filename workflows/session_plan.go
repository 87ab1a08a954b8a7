package workflows

import (
	"time"

	"github.com/onairhq/onair/activities"
	"github.com/onairhq/onair/workflows/contract"
	"github.com/onairhq/onair/workflows/sessionplan"
)

// The session's timed e-mails follow sessionplan, which the API's schedule preview reads
// too: one set of rules for what will be sent and what is.

// ReminderAt is when a reminder offsetMinutes before start is due (sessionplan.ReminderAt).
func ReminderAt(start time.Time, timezone string, offsetMinutes int) (time.Time, error) {
	return sessionplan.ReminderAt(start, timezone, offsetMinutes)
}

// Reminder is one planned reminder of the current schedule.
type Reminder = contract.Reminder

// planReminders lays out the reminders of a schedule made at now (sessionplan.Reminders).
func planReminders(start time.Time, timezone string, offsets []int, now time.Time) ([]Reminder, error) {
	return sessionplan.Reminders(start, timezone, offsets, now)
}

// fanOutOf is the fan-out that sends planned e-mail m of session.
func fanOutOf(sessionID string, m sessionplan.Mail) activities.SendSessionMailsInput {
	return activities.SendSessionMailsInput{
		SessionID: sessionID, MailKind: m.Kind, DeliveryKind: m.DeliveryKind, ReminderMinutes: m.ReminderMinutes,
		Statuses: m.Audience.Statuses, FollowUp: m.Audience.FollowUp,
	}
}
