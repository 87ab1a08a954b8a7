package locale

import (
	"strconv"
	"strings"
	"time"
)

// Dates and times are written from the catalogue's date.* messages: the names of days and
// months, the clock's Go layout (24-hour in French) and the patterns that put them together,
// so a new language brings its own way of writing a date with its catalogue.

var weekdayIDs = [...]string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}

var monthIDs = [...]string{"january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december"}

// Weekday names a day of the week: "Wednesday", "mercredi".
func (l *Localizer) Weekday(d time.Weekday) string { return l.T("date.weekday." + weekdayIDs[d]) }

// Month names a month: "January", "janvier".
func (l *Localizer) Month(m time.Month) string { return l.T("date.month." + monthIDs[m-1]) }

// Date writes t's calendar day in t's own location: "Wednesday, 20 January 2027",
// "mercredi 20 janvier 2027".
func (l *Localizer) Date(t time.Time) string {
	return l.T("date.long", "Weekday", l.Weekday(t.Weekday()), "Day", strconv.Itoa(t.Day()),
		"Month", l.Month(t.Month()), "Year", strconv.Itoa(t.Year()))
}

// Clock writes t's time of day in t's own location: "10:00 AM", "10:00".
func (l *Localizer) Clock(t time.Time) string { return t.Format(l.T("date.clock")) }

// DateTime writes a moment with its day, time and zone abbreviation, in t's own location:
// "Wednesday, 20 January 2027 at 10:00 AM CET", "mercredi 20 janvier 2027 à 10:00 (CET)".
func (l *Localizer) DateTime(t time.Time) string {
	return l.T("date.datetime", "Date", l.Date(t), "Clock", l.Clock(t), "Zone", Zone(t))
}

// DateTimeIn is DateTime with t moved to the IANA zone tz first; an unknown zone keeps t's.
func (l *Localizer) DateTimeIn(t time.Time, tz string) string {
	if loc, err := time.LoadLocation(tz); err == nil {
		t = t.In(loc)
	}
	return l.DateTime(t)
}

// Duration writes a length of time in minutes as people say it: "1 hour 30 minutes",
// "1 heure 30 minutes", "45 minutes".
func (l *Localizer) Duration(minutes int) string {
	h, m := minutes/60, minutes%60
	var parts []string
	if h > 0 {
		parts = append(parts, l.N("date.hours", h))
	}
	if m > 0 || h == 0 {
		parts = append(parts, l.N("date.minutes", m))
	}
	return strings.Join(parts, " ")
}

// In says how far ahead something is, e.g. a reminder: "in 1 day", "dans 10 minutes".
func (l *Localizer) In(minutes int) string {
	switch {
	case minutes > 0 && minutes%1440 == 0:
		return l.N("date.in_days", minutes/1440)
	case minutes > 0 && minutes%60 == 0:
		return l.N("date.in_hours", minutes/60)
	}
	return l.N("date.in_minutes", minutes)
}

// Zone is t's zone abbreviation ("CET"), or its UTC offset when the zone has none ("+03").
func Zone(t time.Time) string {
	name, _ := t.Zone()
	return name
}
