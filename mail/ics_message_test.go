package mail

import (
	"slices"
	"strings"
	"testing"

	ical "github.com/arran4/golang-ical"
)

// sessionMessage composes kind in lang with its calendar invitation, encodes it as a
// sender would and reads it back with the standard library's MIME parser.
func sessionMessage(t *testing.T, kind, lang string, sequence int) parsedMail {
	t.Helper()
	data := SampleData(kind, lang, SampleLinks{})
	tpl, _ := DefaultTemplate(kind)
	msg, err := Compose(Envelope{Kind: kind, To: "ada@example.com", Lang: lang, Brand: Brand{Name: "Acme"}, Data: data}, tpl)
	if err != nil {
		t.Fatal(err)
	}
	inv, ok := SessionInvite(kind, lang, data)
	if !ok {
		t.Fatalf("%s carries no invitation", kind)
	}
	inv.UID, inv.Sequence, inv.Organizer, inv.OrganizerName, inv.Attendee = "ses_1@onair", sequence, "events@onair.example", "Acme", "ada@example.com"
	if err := msg.AddCalendar(inv); err != nil {
		t.Fatal(err)
	}
	gm, err := msg.build("events@onair.example")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := encode(gm)
	if err != nil {
		t.Fatal(err)
	}
	return parseEML(t, raw)
}

// parseInvite reads an invitation with golang-ical's parser and returns its one event.
func parseInvite(t *testing.T, data []byte) (*ical.Calendar, *ical.VEvent) {
	t.Helper()
	cal, err := ical.ParseCalendar(strings.NewReader(string(data)))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, data)
	}
	events := cal.Events()
	if len(events) != 1 {
		t.Fatalf("%d events in\n%s", len(events), data)
	}
	return cal, events[0]
}

func prop(ev *ical.VEvent, p ical.ComponentProperty) string {
	if v := ev.GetProperty(p); v != nil {
		return v.Value
	}
	return ""
}

func method(cal *ical.Calendar) string {
	for _, p := range cal.CalendarProperties {
		if p.IANAToken == string(ical.PropertyMethod) {
			return p.Value
		}
	}
	return ""
}

// A confirmation carries its invitation inline (text/calendar; method=REQUEST beside the
// text and the HTML) and attached; the invitation names the workspace as ORGANIZER, and its
// DESCRIPTION and LOCATION carry the join link, in the recipient's language. A reschedule
// raises SEQUENCE; a cancellation is METHOD:CANCEL.
func TestCalendarInvitationsReadByAnIndependentParser(t *testing.T) {
	m := sessionMessage(t, KindConfirmation, "fr", 0)
	if m.text == "" || m.html == "" || m.calendar == nil {
		t.Fatalf("parts: text %d, html %d, calendar %v", len(m.text), len(m.html), m.calendar != nil)
	}
	if !strings.HasPrefix(m.calendar.contentType, "text/calendar; method=REQUEST") {
		t.Errorf("inline calendar part %q", m.calendar.contentType)
	}
	att, ok := m.attachments["invite.ics"]
	if !ok || !strings.Contains(att.contentType, "method=REQUEST") {
		t.Fatalf("attachment %+v", att)
	}
	for _, data := range [][]byte{m.calendar.data, att.data} {
		cal, ev := parseInvite(t, data)
		if got := method(cal); got != "REQUEST" {
			t.Errorf("METHOD %q", got)
		}
		org := ev.GetProperty(ical.ComponentPropertyOrganizer)
		if org == nil || org.Value != "mailto:events@onair.example" || !slices.Equal(org.ICalParameters["CN"], []string{"Acme"}) {
			t.Errorf("ORGANIZER %+v", org)
		}
		if d := prop(ev, ical.ComponentPropertyDescription); !strings.Contains(d, "https://onair.example/join/x") || !strings.Contains(d, "Rejoignez la session") {
			t.Errorf("DESCRIPTION %q", d)
		}
		if l := prop(ev, ical.ComponentPropertyLocation); l != "https://onair.example/join/x" {
			t.Errorf("LOCATION %q", l)
		}
		if s := prop(ev, ical.ComponentPropertySequence); s != "0" {
			t.Errorf("SEQUENCE %q", s)
		}
	}

	_, ev := parseInvite(t, sessionMessage(t, KindReschedule, "en", 3).calendar.data)
	if s := prop(ev, ical.ComponentPropertySequence); s != "3" {
		t.Errorf("rescheduled SEQUENCE %q, want 3", s)
	}

	for _, kind := range []string{KindCancellation, KindCancelledByAttendee, KindCancelledByOrganizer} {
		c := sessionMessage(t, kind, "fr", 4)
		if !strings.HasPrefix(c.calendar.contentType, "text/calendar; method=CANCEL") {
			t.Errorf("%s: inline part %q", kind, c.calendar.contentType)
		}
		cal, ev := parseInvite(t, c.calendar.data)
		if method(cal) != "CANCEL" || prop(ev, ical.ComponentPropertyStatus) != "CANCELLED" || prop(ev, ical.ComponentPropertySequence) != "4" {
			t.Errorf("%s: METHOD %q STATUS %q", kind, method(cal), prop(ev, ical.ComponentPropertyStatus))
		}
		if s := prop(ev, ical.ComponentPropertySummary); s != "Annulé : Launch" {
			t.Errorf("%s: SUMMARY %q", kind, s)
		}
	}
	for _, kind := range []string{KindReminder, KindDenied, KindWaitlisted, KindFollowUpAttended} {
		if _, ok := SessionInvite(kind, "en", SampleData(kind, "en", SampleLinks{})); ok {
			t.Errorf("%s carries a calendar invitation", kind)
		}
	}
}
