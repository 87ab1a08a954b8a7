package mail

import (
	"errors"

	"github.com/onairhq/onair/locale"
)

// Envelope is one e-mail to compose apart from its wording: kind, recipient, language,
// brand and the kind's data.
type Envelope struct {
	Kind  string
	To    string
	Lang  string // a supported language ("en", "fr"); anything else writes locale.Default
	Brand Brand
	Data  any // the kind's data struct: SessionMail, Invitation, Dunning, SignupVerification
	// UnsubscribeURL is the recipient's one-click unsubscribe link. Set for the kinds
	// Unsubscribable names, it becomes the List-Unsubscribe header (RFC 2369) with
	// List-Unsubscribe-Post (RFC 8058) and a link in the footer.
	UnsubscribeURL string
}

// Compose renders t for env into a message with a plain-text part and an HTML part (the
// body in the workspace's layout), tagged with an X-Onair-Kind header so operators can tell
// e-mails apart in a mailbox.
func Compose(env Envelope, t Template) (Message, error) {
	addr, err := ValidateAddress(env.To)
	if err != nil {
		return Message{}, err
	}
	loc := locale.For(env.Lang)
	r, err := render(loc, env.Brand, env.Kind, t, env.Data)
	if err != nil {
		return Message{}, err
	}
	text := r.Text
	if env.UnsubscribeURL != "" {
		text += "\n--\n" + loc.T("mail.text_link", "Label", loc.T("mail.layout.unsubscribe", "Workspace", env.Brand.Name),
			"URL", env.UnsubscribeURL) + "\n"
	}
	html, err := page(loc, env.Brand, r.Subject, r.HTML, env.UnsubscribeURL)
	if err != nil {
		return Message{}, err
	}
	msg := Message{
		To: []string{addr}, Subject: r.Subject, Text: text, HTML: html,
		Headers: map[string]string{"X-Onair-Kind": env.Kind},
	}
	if env.UnsubscribeURL != "" {
		msg.Headers["List-Unsubscribe"] = "<" + env.UnsubscribeURL + ">"
		msg.Headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
	}
	return msg, nil
}

// ComposeWithFallback composes env from the workspace's own template when own is set,
// else from the default. When own fails to render the default is used instead, the
// fallback is counted in TemplateFallbacks and reported to onFallback (for a log line
// naming the template): no e-mail is lost to a template.
func ComposeWithFallback(env Envelope, own *Template, onFallback func(error)) (Message, error) {
	if own != nil {
		msg, err := Compose(env, *own)
		if !errors.Is(err, ErrTemplate) {
			return msg, err
		}
		TemplateFallbacks.WithLabelValues(env.Kind).Inc()
		onFallback(err)
	}
	t, err := DefaultTemplate(env.Kind)
	if err != nil {
		return Message{}, err
	}
	return Compose(env, t)
}
