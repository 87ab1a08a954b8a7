package mail

import (
	"errors"
	"fmt"
	"text/template/parse"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/onairhq/onair/locale"
)

// TemplateFallbacks counts e-mails sent with the default template because the
// workspace's own failed to render; register it on the process's registry.
var TemplateFallbacks = prometheus.NewCounterVec(prometheus.CounterOpts{
	Name: "onair_mail_template_fallbacks_total",
	Help: "E-mails sent with the default template because the workspace's own template failed to render.",
}, []string{"kind"})

// ErrTemplateSyntax is returned by CheckTemplate for a template that does not parse.
var ErrTemplateSyntax = errors.New("mail: template syntax")

// CheckTemplate renders one field ("subject" or "body") of a workspace template of kind
// with sample data in every language, as text and as HTML, so an unknown {{.Field}} or
// function is refused when it is saved: ErrTemplateSyntax when it does not parse at all,
// else ErrTemplate when it names a function or field that kind's e-mails do not have.
func CheckTemplate(kind, field, src string) error {
	name := kind + "." + field
	tree := parse.New(name)
	tree.Mode = parse.SkipFuncCheck
	if _, err := tree.Parse(src, "", "", map[string]*parse.Tree{}); err != nil {
		return fmt.Errorf("%w: %v", ErrTemplateSyntax, err)
	}
	for _, lang := range locale.Supported() {
		loc, data := locale.For(lang), SampleData(kind, lang, SampleLinks{})
		if _, err := execText(loc, Brand{}, name, src, data); err != nil {
			return err
		}
		if field == "body" {
			if _, err := execHTML(loc, Brand{}, name, src, data); err != nil {
				return err
			}
		}
	}
	return nil
}
