package mail

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/onairhq/onair/locale"
)

// ErrTemplate is wrapped by errors from templates that do not parse or do not execute
// against the kind's data, such as a workspace template naming an unknown {{.Field}}.
var ErrTemplate = errors.New("mail: bad template")

// ErrUnknownKind is returned for a kind without default templates.
var ErrUnknownKind = errors.New("mail: unknown e-mail kind")

//go:embed templates/*
var defaultTemplates embed.FS

// Template is the source of one kind of e-mail: a subject and a body, both Go templates
// over the kind's data with the functions of templateFuncs. The one body gives both the
// plain-text part and the HTML part (see htmlBody), so a workspace's own wording is as
// well presented as onair's.
type Template struct {
	Subject string
	Text    string
}

// DefaultTemplate returns onair's built-in template for kind: templates/<kind>.subject.tmpl
// and <kind>.text.tmpl, whose words come from the locale catalogues (the mail.* messages),
// so one template serves every language.
func DefaultTemplate(kind string) (Template, error) {
	var t Template
	for _, part := range []struct {
		name string
		dst  *string
	}{{"subject", &t.Subject}, {"text", &t.Text}} {
		b, err := defaultTemplates.ReadFile("templates/" + kind + "." + part.name + ".tmpl")
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return Template{}, fmt.Errorf("%w %q", ErrUnknownKind, kind)
		case err != nil:
			return Template{}, fmt.Errorf("read %s template: %w", kind, err)
		}
		*part.dst = string(b)
	}
	return t, nil
}

// rendered is one template executed for one recipient.
type rendered struct {
	Subject string
	Text    string
	HTML    string // the body's HTML fragment, before the layout
}

// render executes t with data in loc's language: the subject and text with text/template,
// the body again with html/template, which escapes every value for its context so a
// registrant's name cannot inject markup. The subject is folded onto one line: a header
// cannot hold line breaks.
func render(loc *locale.Localizer, b Brand, kind string, t Template, data any) (rendered, error) {
	subject, err := execText(loc, b, kind+".subject", t.Subject, data)
	if err != nil {
		return rendered{}, err
	}
	text, err := execText(loc, b, kind+".text", t.Text, data)
	if err != nil {
		return rendered{}, err
	}
	html, err := execHTML(loc, b, kind+".html", t.Text, data)
	if err != nil {
		return rendered{}, err
	}
	return rendered{Subject: strings.Join(strings.Fields(subject), " "), Text: tidyText(text), HTML: html}, nil
}

func execText(loc *locale.Localizer, b Brand, name, src string, data any) (string, error) {
	return execute(loc, b, name, src, false, data)
}

func execHTML(loc *locale.Localizer, b Brand, name, src string, data any) (string, error) {
	return execute(loc, b, name, src, true, data)
}

// execute runs the template of src (parsed once, template_cache.go) on data.
func execute(loc *locale.Localizer, b Brand, name, src string, html bool, data any) (string, error) {
	t, err := parsed(loc, b, name, src, html)
	if err != nil {
		return "", err
	}
	var out strings.Builder
	if err := t.Execute(&out, data); err != nil {
		return "", fmt.Errorf("%w: %s: %v", ErrTemplate, name, err)
	}
	return out.String(), nil
}

// tidyText drops the blank lines a template's {{if}} blocks leave behind: never more than
// one empty line in a row, none at the start or end.
func tidyText(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		l = strings.TrimRight(l, " \t")
		if l == "" && (len(out) == 0 || out[len(out)-1] == "") {
			continue
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n")) + "\n"
}
