package mail

import (
	"fmt"
	"html"
	htmltemplate "html/template"
	"net/url"
	"strings"
	"time"

	"github.com/onairhq/onair/locale"
)

// templateFuncs are the functions every template has, onair's defaults and a workspace's own
// alike, writing in loc's language. forHTML gives the variants for the HTML part: button and
// link then return markup (their label and URL escaped; buttons in b's colour), everything
// else plain text that html/template escapes.
//
//	t "mail.x" "Name" v ...  a catalogue message (see locale.Localizer.T)
//	tl "fr" "mail.x" ...     the same in a named language (bilingual e-mails)
//	greeting .Name           "Hello Ada," or "Hello," without a name
//	date .StartsAt           day, time and zone: "mercredi 20 janvier 2027 à 10:00 (CET)"
//	datein "fr" .ExpiresAt   the same in a named language
//	day, clock               the calendar day alone, the time of day alone
//	duration .DurationMinutes  "1 hour 30 minutes"
//	in 60                    "in 1 hour" (reminders)
//	role .Role               a team role in words
//	button "Label" .URL      a call to action: a button in HTML, "Label:" and the URL in text
//	link "Label" .URL        an inline link: <a> in HTML, "Label: URL" in text
func templateFuncs(loc *locale.Localizer, forHTML bool, b Brand) map[string]any {
	f := map[string]any{
		"t":  loc.T,
		"tl": func(lang, id string, args ...any) string { return locale.For(lang).T(id, args...) },
		"greeting": func(name string) string {
			if name = strings.TrimSpace(name); name != "" {
				return loc.T("mail.greeting_named", "Name", name)
			}
			return loc.T("mail.greeting")
		},
		"date":     loc.DateTime,
		"datein":   func(lang string, t time.Time) string { return locale.For(lang).DateTime(t) },
		"day":      loc.Date,
		"clock":    loc.Clock,
		"duration": loc.Duration,
		"in":       loc.In,
		"role": func(r string) string {
			if s := loc.T("mail.role." + r); s != "mail.role."+r {
				return s
			}
			return r
		},
		"button": func(label, u string) string {
			return loc.T("mail.text_button", "Label", label, "URL", u)
		},
		"link": func(label, u string) string { return loc.T("mail.text_link", "Label", label, "URL", u) },
	}
	if forHTML {
		f["button"] = func(label, u string) htmltemplate.HTML { return buttonHTML(label, u, b) }
		f["link"] = func(label, u string) htmltemplate.HTML {
			return htmltemplate.HTML(fmt.Sprintf(`<a href="%s" style="color:#1a56c4;text-decoration:underline">%s</a>`,
				html.EscapeString(safeURL(u)), html.EscapeString(label)))
		}
	}
	return f
}

// buttonHTML is a call to action as a table cell with a background colour: Outlook ignores
// padding on links, so the cell carries the colour and the link fills it. htmlBody keeps it
// whole, as a block of its own.
func buttonHTML(label, u string, b Brand) htmltemplate.HTML {
	return htmltemplate.HTML(fmt.Sprintf(`<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:8px 0 16px">`+
		`<tr><td style="border-radius:6px;background:%s"><a href="%s" style="display:inline-block;padding:12px 22px;`+
		`font-family:Arial,Helvetica,sans-serif;font-size:16px;font-weight:bold;color:%s;text-decoration:none;border-radius:6px">%s</a>`+
		`</td></tr></table>`, b.color(), html.EscapeString(safeURL(u)), b.textColor(), html.EscapeString(label)))
}

// safeURL keeps http(s) and mailto links and turns anything else (javascript:, data:) into
// "#": a workspace template must not be able to put a script link in an e-mail.
func safeURL(u string) string {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil {
		return "#"
	}
	switch strings.ToLower(p.Scheme) {
	case "http", "https", "mailto":
		return p.String()
	}
	return "#"
}
