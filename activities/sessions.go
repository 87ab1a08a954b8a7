package activities

import (
	"context"
	"errors"
	"time"

	"go.temporal.io/sdk/activity"

	"github.com/onairhq/onair/store"
)

// SetSessionStatusInput moves a session to Status at At.
type SetSessionStatusInput struct {
	SessionID string
	Status    string
	At        time.Time
}

// SetSessionStatus writes the status the SessionLifecycle workflow decided
// (with started_at / ended_at), so the API reads it from the store.
func (a *Activities) SetSessionStatus(ctx context.Context, in SetSessionStatusInput) error {
	if err := store.SetSessionStatus(ctx, a.DB, in.SessionID, in.Status, in.At); err != nil {
		return err
	}
	a.Log.Info("session status", "session", in.SessionID, "status", in.Status)
	return nil
}

// ApplyRescheduleInput is the new plan of a session; Sequence is the
// iCalendar sequence the workflow assigned, so a retry writes the same one.
type ApplyRescheduleInput struct {
	SessionID       string
	StartsAt        time.Time
	DurationMinutes int
	Timezone        string
	Sequence        int
}

// ApplyReschedule writes a rescheduled session back to "scheduled".
func (a *Activities) ApplyReschedule(ctx context.Context, in ApplyRescheduleInput) error {
	return store.RescheduleSession(ctx, a.DB, in.SessionID, in.StartsAt, in.DurationMinutes, in.Timezone, in.Sequence)
}

// SendSessionMailsInput names one fan-out: the e-mail kind, the Delivery kind
// that makes it once per recipient (e.g. "reminder:60"), who gets it.
type SendSessionMailsInput struct {
	SessionID       string
	MailKind        string
	DeliveryKind    string
	ReminderMinutes int
	Statuses        []string // registrant statuses to reach (none: no registrants)
	Speakers        bool     // external speakers too
	// Hosts reaches the session's hosts (the owners when it has none).
	Hosts bool
	// FollowUp narrows registrants to approved ones who attended live (FollowUpAttended)
	// or did not (FollowUpMissed); their e-mails carry the replay link when there is one.
	FollowUp   string
	FailedStep string // for KindPostLiveFailed
}

// sessionMail is the e-mail this fan-out sends each recipient.
func (in SendSessionMailsInput) sessionMail() sessionMail {
	return sessionMail{Kind: in.MailKind, ReminderMinutes: in.ReminderMinutes, FollowUp: in.FollowUp, FailedStep: in.FailedStep}
}

// Follow-up audiences of SendSessionMailsInput.FollowUp.
const (
	FollowUpAttended = store.FollowUpAttended
	FollowUpMissed   = store.FollowUpMissed
)

// SendSessionMailsResult counts the e-mails sent by this attempt.
type SendSessionMailsResult struct {
	Sent int
}

// batchSize is the page of registrants one heartbeat covers.
const batchSize = 200

// sendsInFlight is how many e-mails one fan-out sends at a time. Each send in progress may
// be one a crash sends twice (the server accepted it, the mark is not yet committed). On
// one machine 16 send as fast as 64 did, each far shorter in flight; README, "Deliveries".
const sendsInFlight = 16

// SendSessionMails fans one e-mail out to a session's registrants, paging by
// id and heartbeating the cursor: a retry (another worker after a crash)
// resumes after the last finished page, and the Delivery claim skips anyone
// already served in the page it repeats.
func (a *Activities) SendSessionMails(ctx context.Context, in SendSessionMailsInput) (SendSessionMailsResult, error) {
	marks := startMarking(ctx, a.DB)
	defer marks.stop()
	m, err := a.sessionMailer(ctx, in.SessionID, marks)
	if errors.Is(err, store.ErrNotFound) {
		return SendSessionMailsResult{}, nil // the event was deleted: nobody left to tell
	}
	if err != nil {
		return SendSessionMailsResult{}, err
	}
	var cursor string
	if activity.HasHeartbeatDetails(ctx) {
		_ = activity.GetHeartbeatDetails(ctx, &cursor)
	}
	var res SendSessionMailsResult
	if cursor == "" {
		if err := a.sendToStaff(ctx, m, in, &res); err != nil {
			return res, err
		}
	}
	if in.audience().Empty() {
		return res, nil
	}
	for {
		page, err := a.recipientsPage(ctx, in, cursor)
		if err != nil {
			return res, err
		}
		ids := make([]string, len(page))
		for i := range page {
			ids[i] = page[i].ID
		}
		if in.FollowUp != "" {
			// After the live, each registrant's attendance.summary goes with their follow-up.
			if err := store.EmitAttendanceSummaries(ctx, a.DB, m.ws.ID, in.SessionID, page, in.FollowUp == FollowUpAttended); err != nil {
				return res, err
			}
		}
		claimed, err := store.ClaimDeliveries(ctx, a.DB, m.ws.ID, in.SessionID, in.DeliveryKind, ids)
		if err != nil {
			return res, err
		}
		err = parallel(sendsInFlight, page, func(r store.Registrant) error {
			id, ok := claimed[r.ID]
			if !ok {
				return nil // already sent by an earlier attempt
			}
			if err := a.sendClaimed(ctx, m, in, registrantRecipient(&r), id, &res); err != nil {
				return err
			}
			activity.RecordHeartbeat(ctx, cursor) // alive; a retry resumes at this page
			return nil
		})
		if err != nil {
			return res, err
		}
		if len(page) < batchSize {
			return res, nil
		}
		cursor = page[len(page)-1].ID
		activity.RecordHeartbeat(ctx, cursor)
	}
}

// sendToStaff sends to the speakers and hosts the fan-out names, one claim each.
func (a *Activities) sendToStaff(ctx context.Context, m *sessionMailer, in SendSessionMailsInput, res *SendSessionMailsResult) error {
	var staff []store.SessionStaff
	if in.Speakers {
		speakers, err := store.SessionSpeakers(ctx, a.DB, in.SessionID)
		if err != nil {
			return err
		}
		staff = append(staff, speakers...)
	}
	if in.Hosts {
		hosts, err := store.SessionHosts(ctx, a.DB, m.ws.ID, in.SessionID)
		if err != nil {
			return err
		}
		staff = append(staff, hosts...)
	}
	for i := range staff {
		if err := a.sendOnce(ctx, m, in, speakerRecipient(&staff[i]), res); err != nil {
			return err
		}
	}
	return nil
}

func (a *Activities) recipientsPage(ctx context.Context, in SendSessionMailsInput, cursor string) ([]store.Registrant, error) {
	return store.AudiencePage(ctx, a.DB, in.SessionID, in.audience(), cursor, batchSize)
}

// audience is who among the registrants the fan-out reaches, as the store selects them.
func (in SendSessionMailsInput) audience() store.Audience {
	return store.Audience{Statuses: in.Statuses, FollowUp: in.FollowUp}
}

func (a *Activities) sendOnce(ctx context.Context, m *sessionMailer, in SendSessionMailsInput, r recipient, res *SendSessionMailsResult) error {
	id, err := store.ClaimDelivery(ctx, a.DB, m.ws.ID, in.SessionID, r.ID, in.DeliveryKind)
	if err != nil || id == "" {
		return err
	}
	return a.sendClaimed(ctx, m, in, r, id, res)
}

// sendClaimed sends a claimed delivery, marks it sent and counts it.
func (a *Activities) sendClaimed(ctx context.Context, m *sessionMailer, in SendSessionMailsInput, r recipient, id string, res *SendSessionMailsResult) error {
	if err := m.deliver(ctx, in.sessionMail(), r, id); err != nil {
		return err
	}
	m.mu.Lock()
	res.Sent++
	m.mu.Unlock()
	return nil
}

// Notified are everyone still expecting the session (seat holders and people waiting):
// whom its reschedule and cancellation notices reach. Timed e-mails' audiences are in
// workflows/sessionplan.
var Notified = []string{store.RegistrantApproved, store.RegistrantPending, store.RegistrantWaitlisted}
