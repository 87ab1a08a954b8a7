package locale

import (
	"fmt"

	"github.com/nicksnyder/go-i18n/v2/i18n"
)

// Localizer writes messages and dates in one language. The zero value is not usable; get
// one with For. It is safe for concurrent use.
type Localizer struct {
	lang string
	l    *i18n.Localizer
}

// For returns the Localizer of lang, or of Default when lang is not supported.
func For(lang string) *Localizer {
	if !Valid(lang) {
		lang = Default
	}
	return &Localizer{lang: lang, l: i18n.NewLocalizer(bundle, lang, Default)}
}

// Lang is the language this Localizer writes, a two-letter code.
func (l *Localizer) Lang() string { return l.lang }

// T returns the message id with its {{.Name}} placeholders filled from args, given as
// name, value pairs: T("page.greeting", "Name", "Ada"). A message that exists in no
// catalogue comes back as its id, so a missing translation shows up in a page rather than
// failing it; the catalogue tests keep every id defined in every language.
func (l *Localizer) T(id string, args ...any) string {
	return l.localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: pairs(args)})
}

// N is T for a message that depends on a count (CLDR plural forms: "one", "other"); the
// count is also available to the message as {{.Count}}.
func (l *Localizer) N(id string, count int, args ...any) string {
	data := pairs(args)
	data["Count"] = count
	return l.localize(&i18n.LocalizeConfig{MessageID: id, PluralCount: count, TemplateData: data})
}

func (l *Localizer) localize(c *i18n.LocalizeConfig) string {
	s, err := l.l.Localize(c)
	if err != nil && s == "" {
		return c.MessageID
	}
	return s
}

func pairs(args []any) map[string]any {
	data := make(map[string]any, len(args)/2+1)
	for i := 0; i+1 < len(args); i += 2 {
		data[fmt.Sprint(args[i])] = args[i+1]
	}
	return data
}
