package workflows

import (
	"fmt"
	"time"
	_ "time/tzdata" // every worker resolves time zones from the same data: replays stay deterministic

	"github.com/onairhq/onair/workflows/contract"
)

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

// Reminder is one planned reminder of the current schedule.
type Reminder = contract.Reminder

// planReminders lays out the reminders of a schedule made at now; a reminder
// already past (a session created or moved late) is skipped, not sent late.
func planReminders(start time.Time, timezone string, offsets []int, now time.Time) ([]Reminder, error) {
	out := make([]Reminder, 0, len(offsets))
	for _, off := range offsets {
		at, err := ReminderAt(start, timezone, off)
		if err != nil {
			return nil, err
		}
		out = append(out, Reminder{OffsetMinutes: off, At: at, Done: !at.After(now)})
	}
	return out, nil
}
