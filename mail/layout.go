package mail

import (
	htmltemplate "html/template"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/onairhq/onair/locale"
)

// Brand is how a workspace's e-mails look: its name, its logo and its colour.
type Brand struct {
	Name    string // the workspace's name, written in the header when there is no logo
	LogoURL string // absolute URL of the workspace's logo; empty when it has none
	Color   string // "#rrggbb"; anything else (unset, malformed) gives onair's blue
}

// DefaultBrandColor is the header and button colour of a workspace without a valid one.
const DefaultBrandColor = "#3b5bdb"

var hexColor = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// color is the brand colour when it is a #rrggbb colour, else the default: it goes into a
// style attribute, so nothing else may pass.
func (b Brand) color() string {
	if hexColor.MatchString(b.Color) {
		return strings.ToLower(b.Color)
	}
	return DefaultBrandColor
}

// textColor is white or near-black, whichever reads better on the brand colour (WCAG
// relative luminance, simplified to the sRGB weights): a pale brand gets dark text.
func (b Brand) textColor() string {
	c := b.color()
	r, _ := strconv.ParseUint(c[1:3], 16, 8)
	g, _ := strconv.ParseUint(c[3:5], 16, 8)
	bl, _ := strconv.ParseUint(c[5:7], 16, 8)
	if 0.2126*float64(r)+0.7152*float64(g)+0.0722*float64(bl) > 150 {
		return "#111111"
	}
	return "#ffffff"
}

var layout = htmltemplate.Must(htmltemplate.ParseFS(defaultTemplates, "templates/layout.html.tmpl"))

// layoutData fills templates/layout.html.tmpl.
type layoutData struct {
	Lang, Title             string
	Name, LogoURL, LogoAlt  string
	Color, TextColor        string
	Content                 htmltemplate.HTML
	SentBy                  string
	UnsubscribeURL, Unlabel string
}

// page wraps a rendered body in the layout: the brand header, the content, the footer with
// the unsubscribe link when there is one. Every style is inline and the structure is
// tables, which is what Gmail and Outlook render alike.
func page(loc *locale.Localizer, b Brand, subject, body, unsubscribeURL string) (string, error) {
	d := layoutData{
		Lang: loc.Lang(), Title: subject, Name: b.Name, LogoAlt: loc.T("mail.layout.logo_alt", "Workspace", b.Name),
		Color: b.color(), TextColor: b.textColor(), Content: htmlBody(body),
		SentBy: loc.T("mail.layout.sent_by", "Workspace", b.Name),
	}
	if u := safeURL(b.LogoURL); u != "#" && b.LogoURL != "" {
		d.LogoURL = u
	}
	if unsubscribeURL != "" {
		d.UnsubscribeURL, d.Unlabel = unsubscribeURL, loc.T("mail.layout.unsubscribe", "Workspace", b.Name)
	}
	var out strings.Builder
	if err := layout.ExecuteTemplate(&out, "layout.html.tmpl", d); err != nil {
		return "", err
	}
	return out.String(), nil
}

// bareURL finds links a template wrote as plain text ("See you {{.JoinURL}}"), preceded by
// the start of a line or a space so the href of an <a> is never matched again.
var bareURL = regexp.MustCompile(`(^|[\s(])(https?://[^\s<>"]+)`)

// htmlBody turns the body rendered by html/template (escaped text with the markup of button
// and link) into paragraphs: a blank line separates paragraphs, a line break stays one, a
// button stays a block of its own, the "-- Workspace" signature is set apart and bare URLs
// become links.
func htmlBody(body string) htmltemplate.HTML {
	var b strings.Builder
	for _, para := range strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n\n") {
		para = strings.TrimSpace(para)
		switch {
		case para == "":
			continue
		case strings.HasPrefix(para, "<table"):
			b.WriteString(para)
		case strings.HasPrefix(para, "-- "):
			b.WriteString(`<p style="margin:24px 0 0;color:#555555">` + strings.TrimPrefix(para, "-- ") + "</p>")
		default:
			para = bareURL.ReplaceAllString(para, `$1<a href="$2" style="color:#1a56c4;text-decoration:underline">$2</a>`)
			b.WriteString(`<p style="margin:0 0 16px">` + strings.ReplaceAll(para, "\n", "<br>\n") + "</p>")
		}
		b.WriteString("\n")
	}
	return htmltemplate.HTML(b.String()) // the parts were escaped by html/template
}

// WorkspaceBrand is the brand of a workspace's e-mails: its name, its colour, and its logo
// as the API serves it (base/brand/<slug>/logo) when it has one.
func WorkspaceBrand(base, name, slug string, hasLogo bool, color string) Brand {
	b := Brand{Name: name, Color: color}
	if hasLogo && slug != "" {
		b.LogoURL = strings.TrimRight(base, "/") + "/brand/" + url.PathEscape(slug) + "/logo"
	}
	return b
}
