package tabular

import (
	"strconv"
	"time"
)

// Cell is one value of a row, typed so an XLSX cell holds a number or a date a spreadsheet
// can sum, sort and filter, while CSV writes each kind as text a person reads.
type Cell struct {
	kind cellKind
	text string
	num  int64
	dec  float64
	at   time.Time
}

type cellKind int

const (
	textCell cellKind = iota
	numberCell
	decimalCell
	timeCell
)

// Text is a cell of text, written as typed (a value a spreadsheet would run as a formula
// stays text).
func Text(s string) Cell { return Cell{kind: textCell, text: s} }

// Int is a whole number.
func Int(n int) Cell { return Cell{kind: numberCell, num: int64(n)} }

// Decimal is a number with a fraction (a score), written with as many digits as it needs.
func Decimal(f float64) Cell { return Cell{kind: decimalCell, dec: f} }

// Time is a moment shown on the wall clock of t's location: CSV writes it with its offset
// ("2026-03-29 09:00:00 +02:00"); XLSX as a date and time cell (spreadsheets know no
// zones, so the offset is the caller's to give in a column of its own). A nil or zero t is
// an empty cell.
func Time(t *time.Time) Cell {
	if t == nil || t.IsZero() {
		return Text("")
	}
	return Cell{kind: timeCell, at: *t}
}

// timeLayout is how CSV writes a moment: sortable as text, with the offset that makes it
// exact.
const timeLayout = "2006-01-02 15:04:05 -07:00"

// String is the cell as CSV writes it.
func (c Cell) String() string {
	switch c.kind {
	case numberCell:
		return strconv.FormatInt(c.num, 10)
	case decimalCell:
		return strconv.FormatFloat(c.dec, 'f', -1, 64)
	case timeCell:
		return c.at.Format(timeLayout)
	}
	return c.text
}

// excelEpoch is day 0 of the spreadsheet date system (1900 system, with its leap-year
// quirk folded in), so serial 1.5 is noon of 1900-01-01 for dates after 1900-03-01.
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// serial is the spreadsheet date number of t's wall clock in its own location: whole days
// since the epoch plus the fraction of the day, to the second.
func serial(t time.Time) float64 {
	wall := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
	secs := wall.Unix() - excelEpoch.Unix()
	return float64(secs) / 86400
}
