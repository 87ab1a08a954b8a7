package api

import (
	"strconv"
	"strings"

	"github.com/onairhq/onair/locale"
	"github.com/onairhq/onair/store"
)

// mailedKinds are the delivery kinds the report names (report.mail.<kind>); a reminder's
// kind carries its offset ("reminder:60"), a reschedule notice its sequence.
var mailedKinds = map[string]bool{
	store.DeliveryConfirmation: true, store.DeliveryReceived: true, store.DeliveryWaitlisted: true,
	store.DeliveryWaitlistPromotion: true, store.DeliveryDenied: true, store.DeliveryCancelledByAttendee: true,
	store.DeliveryCancelledByOrganizer: true, "reminder": true, "followup": true, "reschedule": true, "cancellation": true,
}

// mailedLines says, for each top attendee, which e-mails the session sent them and when
// (their delivery record, as GET /v1/registrants/:id/deliveries gives it), on the clock of
// the session each delivery belongs to.
func mailedLines(l *locale.Localizer, top []store.TopAttendee, timezone func(sessionID string) string) map[string]string {
	out := make(map[string]string, len(top))
	for _, a := range top {
		parts := make([]string, 0, len(a.Deliveries))
		for _, d := range a.Deliveries {
			var state string
			switch {
			case d.SentAt == nil:
				state = l.T("report.mail.pending")
			case d.Failure != "":
				state = l.T("report.mail.failed", "When", l.DateTimeIn(*d.SentAt, timezone(d.SessionID)))
			default:
				state = l.DateTimeIn(*d.SentAt, timezone(d.SessionID))
			}
			parts = append(parts, mailedKind(l, d.Kind)+" ("+state+")")
		}
		if len(parts) > 0 {
			out[a.RegistrantID] = l.T("report.mail.heading") + " " + strings.Join(parts, ", ")
		}
	}
	return out
}

func mailedKind(l *locale.Localizer, kind string) string {
	base, arg, _ := strings.Cut(kind, ":")
	if !mailedKinds[base] {
		return kind
	}
	if minutes, err := strconv.Atoi(arg); err == nil && base == "reminder" {
		return l.T("report.mail.reminder_before", "Before", l.Duration(minutes))
	}
	return l.T("report.mail." + base)
}
