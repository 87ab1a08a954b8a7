package mail

import (
	"embed"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"strings"
	texttemplate "text/template"
	"time"
)

// Kinds of transactional e-mail. Each has templates/<kind>.subject.tmpl, <kind>.text.tmpl
// and optionally <kind>.html.tmpl, executed with the kind's data struct (Invitation for
// KindInvitation); a workspace's own template for the kind uses the same fields.
const (
	KindInvitation = "invitation"
)

// ErrTemplate is wrapped by errors from templates that do not parse or do not execute
// against the kind's data, such as a workspace template naming an unknown {{.Field}}.
var ErrTemplate = errors.New("mail: bad template")

// ErrUnknownKind is returned for a kind without default templates.
var ErrUnknownKind = errors.New("mail: unknown e-mail kind")

//go:embed templates/*
var defaultTemplates embed.FS

// Template is the source of one kind of e-mail. HTML may be empty: the message is then
// plain text only, which is what a workspace override without HTML produces.
type Template struct {
	Subject string
	Text    string
	HTML    string
}

// DefaultTemplate returns onair's built-in template for kind.
func DefaultTemplate(kind string) (Template, error) {
	var t Template
	for _, part := range []struct {
		name     string
		dst      *string
		optional bool
	}{
		{"subject", &t.Subject, false},
		{"text", &t.Text, false},
		{"html", &t.HTML, true},
	} {
		b, err := defaultTemplates.ReadFile("templates/" + kind + "." + part.name + ".tmpl")
		switch {
		case errors.Is(err, fs.ErrNotExist) && part.optional:
			continue
		case errors.Is(err, fs.ErrNotExist):
			return Template{}, fmt.Errorf("%w %q", ErrUnknownKind, kind)
		case err != nil:
			return Template{}, fmt.Errorf("read %s template: %w", kind, err)
		}
		*part.dst = string(b)
	}
	return t, nil
}

// Compose renders t with data into a message to one recipient, tagged with an
// X-Onair-Kind header so operators can tell e-mails apart in a mailbox.
func Compose(kind string, t Template, to string, data any) (Message, error) {
	addr, err := ValidateAddress(to)
	if err != nil {
		return Message{}, err
	}
	subject, text, err := Render(kind, t.Subject, t.Text, data)
	if err != nil {
		return Message{}, err
	}
	var html string
	if t.HTML != "" {
		if html, err = RenderHTML(kind, t.HTML, data); err != nil {
			return Message{}, err
		}
	}
	return Message{
		To:      []string{addr},
		Subject: subject,
		Text:    text,
		HTML:    html,
		Headers: map[string]string{"X-Onair-Kind": kind},
	}, nil
}

// Render executes a subject and a plain-text body template (text/template, {{.Field}}
// placeholders) with data. Defaults and workspace overrides both go through it. The
// subject is folded onto one line: a header cannot hold line breaks.
func Render(kind, subjectTmpl, bodyTmpl string, data any) (subject, text string, err error) {
	subject, err = execText(kind+".subject", subjectTmpl, data)
	if err != nil {
		return "", "", err
	}
	text, err = execText(kind+".text", bodyTmpl, data)
	if err != nil {
		return "", "", err
	}
	return strings.Join(strings.Fields(subject), " "), text, nil
}

// RenderHTML executes an HTML body template with html/template, which escapes every value
// for its context (text, attribute, URL) so user-supplied names cannot inject markup.
func RenderHTML(kind, htmlTmpl string, data any) (string, error) {
	t, err := htmltemplate.New(kind + ".html").Funcs(funcs).Option("missingkey=error").Parse(htmlTmpl)
	if err != nil {
		return "", fmt.Errorf("%w: %s: %v", ErrTemplate, kind+".html", err)
	}
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return "", fmt.Errorf("%w: %s: %v", ErrTemplate, kind+".html", err)
	}
	return b.String(), nil
}

func execText(name, src string, data any) (string, error) {
	t, err := texttemplate.New(name).Funcs(funcs).Option("missingkey=error").Parse(src)
	if err != nil {
		return "", fmt.Errorf("%w: %s: %v", ErrTemplate, name, err)
	}
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return "", fmt.Errorf("%w: %s: %v", ErrTemplate, name, err)
	}
	return b.String(), nil
}

// funcs are available to every template, default or workspace-made.
var funcs = map[string]any{
	// date formats a time in its own location, e.g. "Sunday, 22 November 2026 20:30 UTC".
	"date": func(t time.Time) string { return t.Format("Monday, 2 January 2006 15:04 MST") },
}
