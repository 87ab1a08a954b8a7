// Package locale owns the languages onair speaks: the message catalogues (one TOML file per
// language under catalog/, so adding a language is adding one file), the choice of a language
// for a reader (the event's, else the workspace's, else the browser's Accept-Language), and
// dates and times written the way each language writes them. Pages, e-mails, calendar
// invitations and the room page all read their words from here.
package locale

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"github.com/pelletier/go-toml/v2"
	"golang.org/x/text/language"
)

// Default is the language used when nothing better is known, and the one every catalogue
// is checked against: a message missing from another language falls back to it.
const Default = "en"

//go:embed catalog/*.toml
var catalogs embed.FS

var (
	bundle    *i18n.Bundle
	supported []string
	matcher   language.Matcher
	messages  = map[string]map[string]bool{} // language → message ids it defines
)

func init() {
	bundle = i18n.NewBundle(language.MustParse(Default))
	bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	files, err := fs.Glob(catalogs, "catalog/*.toml")
	if err != nil {
		panic(err) // the pattern is a constant
	}
	tags := []language.Tag{language.MustParse(Default)}
	for _, f := range files {
		data, err := catalogs.ReadFile(f)
		if err != nil {
			panic(fmt.Sprintf("locale: read %s: %v", f, err))
		}
		mf, err := bundle.ParseMessageFileBytes(data, f)
		if err != nil {
			panic(fmt.Sprintf("locale: catalogue %s: %v", f, err)) // a broken embedded file fails every test at once
		}
		lang := strings.TrimSuffix(path.Base(f), ".toml")
		ids := map[string]bool{}
		for _, m := range mf.Messages {
			ids[m.ID] = true
		}
		messages[lang] = ids
		supported = append(supported, lang)
		if lang != Default {
			tags = append(tags, language.MustParse(lang))
		}
	}
	slices.Sort(supported)
	matcher = language.NewMatcher(tags)
}

// Supported lists the languages that have a catalogue, as two-letter codes ("en", "fr").
func Supported() []string { return slices.Clone(supported) }

// Valid reports whether lang is one of Supported.
func Valid(lang string) bool { return slices.Contains(supported, lang) }

// Choose picks the language to write in for one reader: the first of the explicit choices
// (the event's language, then the workspace's) that is supported, else the best match of the
// browser's Accept-Language header, else Default.
func Choose(acceptLanguage string, choices ...string) string {
	for _, c := range choices {
		if Valid(c) {
			return c
		}
	}
	return Negotiate(acceptLanguage)
}

// Negotiate picks the supported language that best matches an Accept-Language header.
func Negotiate(acceptLanguage string) string {
	if acceptLanguage == "" {
		return Default
	}
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return Default
	}
	tag, _, confidence := matcher.Match(tags...)
	if confidence == language.No {
		return Default
	}
	base, _ := tag.Base()
	if Valid(base.String()) {
		return base.String()
	}
	return Default
}

// MessageIDs lists the ids a language's catalogue defines, for completeness tests.
func MessageIDs(lang string) []string {
	ids := make([]string, 0, len(messages[lang]))
	for id := range messages[lang] {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}
