package store

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/mail"
)

// InvalidField refuses one value a caller gave, naming its field ("fields.<key>"
// for an answer to a custom field): the API answers it with a 400, an import
// reports it on the row.
type InvalidField struct {
	Field  string
	Reason string
}

func (e *InvalidField) Error() string { return e.Reason }

func invalidField(field, reason string) error { return &InvalidField{Field: field, Reason: reason} }

// CleanText trims v and checks that it is text of at most max characters:
// UTF-8 without control characters other than tab and line breaks (databases
// refuse NUL bytes and broken UTF-8, Postgres with an error).
func CleanText(field, v string, max int) (string, error) {
	v = strings.TrimSpace(v)
	if !utf8.ValidString(v) || strings.ContainsFunc(v, isControl) {
		return "", invalidField(field, field+" holds control characters or bytes that are not UTF-8 text")
	}
	if utf8.RuneCountInString(v) > max {
		return "", invalidField(field, fmt.Sprintf("%s is longer than %d characters", field, max))
	}
	return v, nil
}

// isControl reports control characters other than tab and line breaks.
func isControl(r rune) bool { return unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' }

// What a registrant may give.
const (
	MaxRegistrantName = 120
	MaxAnswers        = 50
	MaxAnswerLength   = 1000
)

// Clean normalizes and checks what the person gives, the same whichever way
// they come (the API, the public page, a CSV import): a valid e-mail address
// (lower-cased), a name of at most 120 characters, at most 50
// answers of at most 1000 characters, a Source within its bounds. The event's own rules are
// CheckAnswers'.
func (r *Registration) Clean() (err error) {
	addr, err := mail.ValidateAddress(strings.TrimSpace(r.Email))
	if err != nil {
		return invalidField("email", "email must be a valid address")
	}
	r.Email = strings.ToLower(addr)
	if r.Name, err = CleanText("name", r.Name, MaxRegistrantName); err != nil {
		return err
	}
	if len(r.Fields) > MaxAnswers {
		return invalidField("fields", fmt.Sprintf("at most %d fields", MaxAnswers))
	}
	for _, k := range slices.Sorted(maps.Keys(r.Fields)) {
		if r.Fields[k], err = CleanText("fields."+k, r.Fields[k], MaxAnswerLength); err != nil {
			return err
		}
	}
	return r.Source.Clean()
}

// CheckAnswers checks the answers against the event's custom fields, attrs
// being their attributes (EventAttributes): no field the event does not ask,
// required ones answered, and each answer of its attribute's type: a number,
// a date such as 2026-12-01, true or false for a checkbox (yes/no and 1/0 are
// read as such), one of a select's options.
func (r *Registration) CheckAnswers(attrs []CustomAttribute) error {
	for _, k := range slices.Sorted(maps.Keys(r.Fields)) {
		if !slices.Contains(r.Event.Settings.CustomFields, k) {
			return invalidField("fields."+k, fmt.Sprintf("this event asks no field %q", k))
		}
	}
	for _, a := range attrs {
		v, field := r.Fields[a.Key], "fields."+a.Key
		if v == "" {
			if a.Required {
				return invalidField(field, a.Label+" is required")
			}
			continue
		}
		switch a.Type {
		case "number":
			if f, err := strconv.ParseFloat(v, 64); err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
				return invalidField(field, a.Label+" must be a number")
			}
		case "date":
			if _, err := time.Parse(time.DateOnly, v); err != nil {
				return invalidField(field, a.Label+" must be a date such as 2026-12-01")
			}
		case "checkbox":
			switch strings.ToLower(v) {
			case "true", "yes", "1":
				r.Fields[a.Key] = "true"
			case "false", "no", "0":
				r.Fields[a.Key] = "false"
			default:
				return invalidField(field, a.Label+" must be true or false")
			}
		case "select":
			if !slices.Contains(a.Options, v) {
				return invalidField(field, a.Label+" must be one of "+strings.Join(a.Options, ", "))
			}
		}
	}
	return nil
}

// EventAttributes loads the attributes of the custom fields an event asks.
func EventAttributes(ctx context.Context, db bun.IDB, ev *Event) ([]CustomAttribute, error) {
	if len(ev.Settings.CustomFields) == 0 {
		return nil, nil
	}
	var attrs []CustomAttribute
	err := db.NewSelect().Model(&attrs).Where("workspace_id = ?", ev.WorkspaceID).
		Where("key IN (?)", bun.In(ev.Settings.CustomFields)).OrderExpr("key ASC").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("load the custom fields of event %s: %w", ev.ID, err)
	}
	return attrs, nil
}
