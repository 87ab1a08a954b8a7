package mail

import (
	"fmt"
	"strings"
	"time"

	ical "github.com/arran4/golang-ical"

	"github.com/onairhq/onair/locale"
)

// CalendarInvite describes one session as an iCalendar object (RFC 5546 iTIP). Updates of
// the same session keep UID and raise Sequence so calendars replace the entry.
type CalendarInvite struct {
	UID      string
	Sequence int
	Cancel   bool // METHOD:CANCEL instead of REQUEST
	// Publish makes a calendar file to import (METHOD:PUBLISH, RFC 5546 §3.2.1), such as an
	// event page's download: no organizer asks anything of the reader.
	Publish bool
	Title   string // SUMMARY, in the recipient's language
	// Description and Location carry the join link: Google Calendar and Outlook show
	// neither URL nor the e-mail's body in the event.
	Description   string
	Location      string
	URL           string
	Start         time.Time
	Duration      time.Duration
	Timezone      string // IANA name; times are written in it, with its VTIMEZONE
	Organizer     string // e-mail address, required by RFC 5546 in a REQUEST
	OrganizerName string // ORGANIZER's CN: the workspace's name
	Attendee      string // e-mail address
}

func (ci CalendarInvite) method() string {
	switch {
	case ci.Cancel:
		return "CANCEL"
	case ci.Publish:
		return "PUBLISH"
	}
	return "REQUEST"
}

// Attachment renders the invite as invite.ics with the matching content type.
func (ci CalendarInvite) Attachment() (Attachment, error) {
	data, err := ci.Render()
	if err != nil {
		return Attachment{}, err
	}
	return Attachment{Filename: "invite.ics", ContentType: "text/calendar; charset=utf-8; method=" + ci.method(), Data: data}, nil
}

// AddCalendar puts ci in m twice: as the inline text/calendar part beside the text and the
// HTML (what Gmail and Outlook turn into an invitation with its buttons) and as invite.ics
// (what other clients import).
func (m *Message) AddCalendar(ci CalendarInvite) error {
	att, err := ci.Attachment()
	if err != nil {
		return err
	}
	m.Calendar = &Attachment{ContentType: "text/calendar; method=" + ci.method(), Data: att.Data}
	m.Attachments = append(m.Attachments, att)
	return nil
}

// SessionInvite is the calendar invitation a session e-mail of kind carries, when its kind
// carries one (confirmations, promotions, reschedules and speaker invitations a REQUEST;
// cancellations a CANCEL), written in lang from the e-mail's data. The caller sets UID,
// Sequence, Organizer and Attendee.
func SessionInvite(kind, lang string, data any) (CalendarInvite, bool) {
	m, ok := data.(SessionMail)
	if !ok {
		return CalendarInvite{}, false
	}
	loc := locale.For(lang)
	ci := CalendarInvite{Title: m.EventTitle, Start: m.StartsAt, Duration: time.Duration(m.DurationMinutes) * time.Minute,
		Timezone: m.Timezone, URL: m.JoinURL, Location: m.JoinURL,
		Description: loc.T("mail.calendar.details", "Title", m.EventTitle, "Workspace", m.WorkspaceName, "URL", m.JoinURL)}
	switch kind {
	case KindConfirmation, KindWaitlistPromotion, KindReschedule, KindSpeakerInvitation:
	case KindCancellation, KindCancelledByAttendee, KindCancelledByOrganizer:
		ci.Cancel = true
		ci.Title = loc.T("mail.calendar.cancelled", "Title", m.EventTitle)
		ci.Description = loc.T("mail.calendar.cancelled_details", "Title", m.EventTitle, "Workspace", m.WorkspaceName)
		ci.URL, ci.Location = "", ""
	default:
		return CalendarInvite{}, false
	}
	return ci, true
}

// Render writes the VCALENDAR.
func (ci CalendarInvite) Render() ([]byte, error) {
	loc, err := time.LoadLocation(ci.Timezone)
	if err != nil {
		return nil, fmt.Errorf("%w: time zone %q: %v", ErrInvalidMessage, ci.Timezone, err)
	}
	cal := ical.NewCalendarFor("onair")
	cal.SetMethod(ical.Method(ci.method()))
	cal.AddVTimezone(vtimezone(ci.Timezone, loc, ci.Start))
	ev := cal.AddEvent(ci.UID)
	ev.SetDtStampTime(time.Now())
	ev.SetSequence(ci.Sequence)
	ev.SetSummary(ci.Title)
	if ci.URL != "" {
		ev.SetURL(ci.URL)
	}
	if ci.Description != "" {
		ev.SetDescription(ci.Description)
	}
	if ci.Location != "" {
		ev.SetLocation(ci.Location)
	}
	const local = "20060102T150405"
	ev.SetProperty(ical.ComponentPropertyDtStart, ci.Start.In(loc).Format(local), ical.WithTZID(ci.Timezone))
	ev.SetProperty(ical.ComponentPropertyDtEnd, ci.Start.Add(ci.Duration).In(loc).Format(local), ical.WithTZID(ci.Timezone))
	if ci.Organizer != "" {
		var params []ical.PropertyParameter
		if ci.OrganizerName != "" {
			params = append(params, ical.WithCN(ci.OrganizerName))
		}
		ev.SetOrganizer("mailto:"+ci.Organizer, params...)
	}
	if ci.Attendee != "" {
		ev.AddAttendee("mailto:"+ci.Attendee, ical.ParticipationStatusNeedsAction)
	}
	if ci.Cancel {
		ev.SetStatus(ical.ObjectStatusCancelled)
	} else {
		ev.SetStatus(ical.ObjectStatusConfirmed)
	}
	return []byte(cal.Serialize()), nil
}

// vtimezone describes loc's UTC offsets from a year before start to a year
// after, with every transition in between as its own observance, so clients
// place start correctly even across a daylight-saving change.
func vtimezone(name string, loc *time.Location, start time.Time) *ical.VTimezone {
	tz := ical.NewTimezone(name)
	from := start.AddDate(-1, 0, 0).In(loc)
	until := start.AddDate(1, 0, 0)
	add := func(at time.Time, before, after time.Time) {
		nameAfter, offAfter := after.Zone()
		_, offBefore := before.Zone()
		base := ical.ComponentBase{}
		// DTSTART is the onset in the local time in force before it (RFC 5545 3.6.5).
		base.SetProperty(ical.ComponentPropertyDtStart, at.In(time.FixedZone("", offBefore)).Format("20060102T150405"))
		base.SetProperty(ical.ComponentProperty(ical.PropertyTzoffsetfrom), offset(offBefore))
		base.SetProperty(ical.ComponentProperty(ical.PropertyTzoffsetto), offset(offAfter))
		base.SetProperty(ical.ComponentProperty(ical.PropertyTzname), nameAfter)
		if after.IsDST() {
			tz.Components = append(tz.Components, &ical.Daylight{ComponentBase: base})
		} else {
			tz.Components = append(tz.Components, &ical.Standard{ComponentBase: base})
		}
	}
	add(from, from, from)
	for t := from; ; {
		_, end := t.ZoneBounds()
		if end.IsZero() || end.After(until) {
			break
		}
		add(end, t, end.In(loc))
		t = end.In(loc)
	}
	return tz
}

// offset formats seconds east of UTC as ±HHMM.
func offset(sec int) string {
	sign := "+"
	if sec < 0 {
		sign, sec = "-", -sec
	}
	return fmt.Sprintf("%s%02d%02d", sign, sec/3600, sec%3600/60)
}

// IsCalendar reports whether data parses as an iCalendar object (for tests and tools).
func IsCalendar(data []byte) bool {
	_, err := ical.ParseCalendar(strings.NewReader(string(data)))
	return err == nil
}
