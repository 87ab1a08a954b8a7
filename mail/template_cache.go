package mail

import (
	"fmt"
	htmltemplate "html/template"
	"io"
	"sync"
	texttemplate "text/template"

	"github.com/onairhq/onair/locale"
)

// Parsing a template (and, for HTML, working out the escaping of every action) costs more
// than executing it, and a session's e-mails of one kind all come from the same source in a
// few languages: the relay sending a launch day's confirmations parsed the same three
// templates once per message (BENCHMARKS.md, "Registration burst"). Parsed templates are kept
// by what their result depends on: the source, its name, text or HTML, the language of the
// functions (templateFuncs) and the brand the HTML buttons are drawn in. A parsed template is
// safe to execute from several goroutines at once.

// maxParsedTemplates bounds the cache: workspaces' own templates come and go; when it is full
// it starts over.
const maxParsedTemplates = 512

type templateKey struct {
	name, src, lang string
	html            bool
	brand           Brand
}

type executable interface {
	Execute(w io.Writer, data any) error
}

var parsedTemplates = struct {
	sync.Mutex
	m map[templateKey]executable
}{m: map[templateKey]executable{}}

// parsed returns the template of src parsed with the functions of loc and b, parsing it the
// first time; a source that does not parse is not kept.
func parsed(loc *locale.Localizer, b Brand, name, src string, html bool) (executable, error) {
	key := templateKey{name: name, src: src, lang: loc.Lang(), html: html, brand: b}
	parsedTemplates.Lock()
	t, ok := parsedTemplates.m[key]
	parsedTemplates.Unlock()
	if ok {
		return t, nil
	}
	var err error
	if html {
		t, err = htmltemplate.New(name).Funcs(templateFuncs(loc, true, b)).Option("missingkey=error").Parse(src)
	} else {
		t, err = texttemplate.New(name).Funcs(templateFuncs(loc, false, b)).Option("missingkey=error").Parse(src)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrTemplate, name, err)
	}
	parsedTemplates.Lock()
	if len(parsedTemplates.m) >= maxParsedTemplates {
		clear(parsedTemplates.m)
	}
	parsedTemplates.m[key] = t
	parsedTemplates.Unlock()
	return t, nil
}
