package mail

import (
	"fmt"
	"time"
)

// Kinds of session e-mail; each has default templates under templates/.
const (
	KindConfirmation      = "confirmation"
	KindReceived          = "received"
	KindWaitlistPromotion = "waitlist_promotion"
	KindReminder          = "reminder"
	KindReschedule        = "reschedule"
	KindCancellation      = "cancellation"
	KindSpeakerInvitation = "speaker_invitation"
	KindSessionInvitation = "session_invitation"
	// Follow-ups after the live: attendees thank-you, approved no-shows "sorry we missed
	// you"; both carry the replay link when there is a recording.
	KindFollowUpAttended = "followup_attended"
	KindFollowUpMissed   = "followup_missed"
	// KindPostLiveFailed tells a session's hosts that a post-live step failed for good.
	KindPostLiveFailed = "post_live_failed"
)

// SessionMail is the data of every session e-mail, and the fields a workspace's
// own template may use ({{.EventTitle}}, {{date .StartsAt}}, {{.JoinURL}}, ...).
type SessionMail struct {
	WorkspaceName   string
	EventTitle      string
	Name            string // the recipient's name, may be empty
	StartsAt        time.Time
	Timezone        string
	DurationMinutes int
	JoinURL         string
	CancelURL       string
	Status          string // the registrant's status
	Reminder        string // "in 1 hour", for reminders
	ReplayURL       string // the recipient's replay link; empty when nothing was recorded
	FailedStep      string // the post-live step that failed, for hosts
	RetryURL        string // the API call that re-runs it
}

// Localize puts StartsAt in the session's time zone, so {{date .StartsAt}}
// reads as the audience's wall clock.
func (m *SessionMail) Localize() error {
	loc, err := time.LoadLocation(m.Timezone)
	if err != nil {
		return fmt.Errorf("%w: time zone %q: %v", ErrInvalidMessage, m.Timezone, err)
	}
	m.StartsAt = m.StartsAt.In(loc)
	return nil
}

// ReminderPhrase says how far ahead a reminder is, e.g. "in 1 day", "in 10 minutes".
func ReminderPhrase(offsetMinutes int) string {
	plural := func(n int, unit string) string {
		if n == 1 {
			return fmt.Sprintf("in 1 %s", unit)
		}
		return fmt.Sprintf("in %d %ss", n, unit)
	}
	switch {
	case offsetMinutes%1440 == 0:
		return plural(offsetMinutes/1440, "day")
	case offsetMinutes%60 == 0:
		return plural(offsetMinutes/60, "hour")
	}
	return plural(offsetMinutes, "minute")
}
