package mail

import (
	"strings"
	"testing"
	"time"

	ical "github.com/arran4/golang-ical"
)

// TestCalendarInviteAcrossDST: a session just after Paris moves to summer time
// is written in Paris local time with both observances, and a reschedule keeps
// the UID with a higher SEQUENCE.
func TestCalendarInviteAcrossDST(t *testing.T) {
	start := time.Date(2026, 3, 29, 7, 0, 0, 0, time.UTC) // 09:00 CEST
	ci := CalendarInvite{UID: "ses_1@onair", Sequence: 2, Title: "Launch", Start: start, Duration: time.Hour,
		Timezone: "Europe/Paris", Attendee: "ana@example.com"}
	data, err := ci.Render()
	if err != nil {
		t.Fatal(err)
	}
	cal, err := ical.ParseCalendar(strings.NewReader(string(data)))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, data)
	}
	text := string(data)
	for _, want := range []string{
		"METHOD:REQUEST", "UID:ses_1@onair", "SEQUENCE:2", "DTSTART;TZID=Europe/Paris:20260329T090000",
		"BEGIN:DAYLIGHT", "DTSTART:20260329T020000", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200",
		"BEGIN:STANDARD", "DTSTART:20251026T030000",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("invite lacks %q:\n%s", want, text)
		}
	}
	if n := len(cal.Events()); n != 1 {
		t.Fatalf("%d events", n)
	}
	ci.Cancel = true
	cancel, _ := ci.Render()
	if !strings.Contains(string(cancel), "METHOD:CANCEL") || !strings.Contains(string(cancel), "STATUS:CANCELLED") {
		t.Fatalf("cancel invite:\n%s", cancel)
	}
}
