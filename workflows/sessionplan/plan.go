// Package sessionplan is a session's timed e-mail plan as pure functions: when each
// reminder is due, and which e-mails go to which audience, when. SessionLifecycle follows
// it and the API's schedule preview shows it, so both read one set of rules. It does no
// I/O and reads no clock: callers pass now (workflow.Now inside the workflow).
package sessionplan

import (
	"fmt"
	"sort"
	"time"
	_ "time/tzdata" // every worker resolves time zones from the same data: replays stay deterministic

	"github.com/onairhq/onair/mail"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/workflows/contract"
)

// Mail is one timed e-mail of a session: what its fan-out sends, to whom, and when.
type Mail struct {
	Kind         string // the mail kind (mail.KindReminder, …)
	DeliveryKind string // the Delivery kind that makes it once per recipient ("reminder:60", "followup")
	// ReminderMinutes is a reminder's offset before the start.
	ReminderMinutes int
	Audience        store.Audience
	// At is when it is due: a reminder's time; for a follow-up, the session's end (planned,
	// or the actual one once it ended).
	At time.Time
	// AfterLive marks the follow-ups: they go once the session has ended and its recording
	// is processed, so At is their earliest time.
	AfterLive bool
	// Done is a reminder sent or skipped (already past when planned), a follow-up of a
	// processed session.
	Done bool
}

// Reminded are the registrants reminders reach: those who hold a seat.
var Reminded = store.Audience{Statuses: []string{store.RegistrantApproved}}

// ReminderAt is when a reminder offsetMinutes before start is due. Whole days
// count on the session's calendar (the same wall-clock time N days earlier in
// its time zone), so "24 hours before" a 09:00 session is 09:00 the day before
// even across a daylight-saving change; other offsets are exact durations.
func ReminderAt(start time.Time, timezone string, offsetMinutes int) (time.Time, error) {
	if offsetMinutes%1440 != 0 {
		return start.Add(-time.Duration(offsetMinutes) * time.Minute), nil
	}
	loc, err := time.LoadLocation(timezone)
	if err != nil {
		return time.Time{}, fmt.Errorf("time zone %q: %w", timezone, err)
	}
	return start.In(loc).AddDate(0, 0, -offsetMinutes/1440).UTC(), nil
}

// Reminders lays out the reminders of a schedule made at now; a reminder already past
// (a session created or moved late) is skipped, not sent late.
func Reminders(start time.Time, timezone string, offsets []int, now time.Time) ([]contract.Reminder, error) {
	out := make([]contract.Reminder, 0, len(offsets))
	for _, off := range offsets {
		at, err := ReminderAt(start, timezone, off)
		if err != nil {
			return nil, err
		}
		out = append(out, contract.Reminder{OffsetMinutes: off, At: at, Done: !at.After(now)})
	}
	return out, nil
}

// ReminderMail is the e-mail of reminder r.
func ReminderMail(r contract.Reminder) Mail {
	return Mail{Kind: mail.KindReminder, DeliveryKind: fmt.Sprintf("reminder:%d", r.OffsetMinutes), ReminderMinutes: r.OffsetMinutes,
		Audience: Reminded, At: r.At, Done: r.Done}
}

// FollowUps are the e-mails after the live, in the order they go: attendees are thanked,
// then approved no-shows told what they missed. Both share the "followup" Delivery kind,
// so nobody gets two.
func FollowUps(end time.Time, done bool) []Mail {
	return []Mail{
		{Kind: mail.KindFollowUpAttended, DeliveryKind: "followup", Audience: store.Audience{FollowUp: store.FollowUpAttended}, At: end, AfterLive: true, Done: done},
		{Kind: mail.KindFollowUpMissed, DeliveryKind: "followup", Audience: store.Audience{FollowUp: store.FollowUpMissed}, At: end, AfterLive: true, Done: done},
	}
}

// Mails are the timed e-mails of a session in state st, by due time: its reminders, then
// the follow-ups. A cancelled session sends none (its cancellation notice goes at once).
func Mails(st contract.SessionState) []Mail {
	if st.Status == store.SessionCancelled {
		return nil
	}
	out := make([]Mail, 0, len(st.Reminders)+2)
	for _, r := range st.Reminders {
		out = append(out, ReminderMail(r))
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	end := st.StartsAt.Add(time.Duration(st.DurationMinutes) * time.Minute)
	if st.EndedAt != nil {
		end = *st.EndedAt
	}
	return append(out, FollowUps(end, st.Status == store.SessionProcessed)...)
}
