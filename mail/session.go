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
	// What became of one registration: put on the waitlist, declined by the organizer,
	// cancelled by the registrant themselves or by the organizer.
	KindWaitlisted           = "waitlisted"
	KindDenied               = "denied"
	KindCancelledByAttendee  = "cancelled_by_attendee"
	KindCancelledByOrganizer = "cancelled_by_organizer"
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
	Reminder        string // "in 1 hour", "dans 1 heure", for reminders (locale.Localizer.In)
	ReplayURL       string // the recipient's replay link; empty when nothing was recorded
	FailedStep      string // the post-live step that failed, for hosts
	// RetryCall is the API call that re-runs it ("POST /v1/sessions/…/post-live/retry"):
	// written out for the team, not a link, since a browser cannot make that call.
	RetryCall string
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
