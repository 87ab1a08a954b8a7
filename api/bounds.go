package api

import "fmt"

// Bounds of every number the API accepts (README, "Limits"). Each is checked
// when the request is decoded, before any arithmetic uses the number: a
// duration of 2^53 minutes overflows time.Duration and once slipped past the
// plan's cap. JSON numbers with a fraction or beyond 64 bits are refused by
// decode itself.
const (
	maxSessionMinutes   = 24 * 60      // duration_minutes, also capped by the plan
	maxCapacity         = 1_000_000    // an event's capacity; 0 is the plan's ceiling
	maxReminderMinutes  = 30 * 24 * 60 // how long before the start a reminder leaves
	maxEventReminders   = 10
	maxDefaultReminders = 5
	maxEventGreenRoom   = 24 * 60 // minutes before the start the green room opens, per event
	maxDefaultGreenRoom = 120     // the workspace's default
	maxRetentionDays    = 3650    // 0 keeps recordings forever
	maxSeats            = 10_000  // host licences of a per-licence plan
)

// inRange refuses v outside [lo, hi] with a 400 naming the field.
func inRange(field string, v, lo, hi int) error {
	if v < lo || v > hi {
		return badInput(field, fmt.Sprintf("%s must be a whole number from %d to %d", field, lo, hi))
	}
	return nil
}

// reminderOffsets checks a list of reminder offsets: at most max of them,
// distinct, each from 1 to maxReminderMinutes.
func reminderOffsets(field string, offsets []int, max int) error {
	if len(offsets) > max {
		return badInput(field, fmt.Sprintf("at most %d reminders", max))
	}
	for i, o := range offsets {
		if err := inRange(field, o, 1, maxReminderMinutes); err != nil {
			return err
		}
		for _, earlier := range offsets[:i] {
			if earlier == o {
				return badInput(field, fmt.Sprintf("%s lists %d twice", field, o))
			}
		}
	}
	return nil
}
