package mail

import (
	"errors"
	"fmt"
	"slices"
	"text/template/parse"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// CustomKinds are the e-mails a workspace can reword with its own template: every kind
// sent on a workspace's behalf. The API's enum, the mailer and the default templates
// under templates/ all use these names.
var CustomKinds = []string{
	KindInvitation,
	KindConfirmation, KindReceived, KindWaitlistPromotion, KindReminder, KindReschedule,
	KindCancellation, KindSpeakerInvitation, KindSessionInvitation,
	KindFollowUpAttended, KindFollowUpMissed, KindPostLiveFailed,
}

// kindAliases are spellings the API once accepted, mapped to the mailer's.
var kindAliases = map[string]string{
	"follow_up_attended": KindFollowUpAttended,
	"follow_up_missed":   KindFollowUpMissed,
}

// CanonicalKind returns the customisable kind k names, accepting the older spellings
// (follow_up_attended for followup_attended), and whether there is one.
func CanonicalKind(k string) (string, bool) {
	if c, ok := kindAliases[k]; ok {
		return c, true
	}
	return k, slices.Contains(CustomKinds, k)
}

// StoredKinds are the kind strings a stored template of kind may carry: kind itself and
// its older spellings, so templates saved before the spellings were unified still apply.
func StoredKinds(kind string) []string {
	kinds := []string{kind}
	for alias, c := range kindAliases {
		if c == kind {
			kinds = append(kinds, alias)
		}
	}
	return kinds
}

// TemplateFallbacks counts e-mails sent with the default template because the
// workspace's own failed to render; register it on the process's registry.
var TemplateFallbacks = prometheus.NewCounterVec(prometheus.CounterOpts{
	Name: "onair_mail_template_fallbacks_total",
	Help: "E-mails sent with the default template because the workspace's own template failed to render.",
}, []string{"kind"})

// ErrTemplateSyntax is returned by CheckTemplate for a template that does not parse.
var ErrTemplateSyntax = errors.New("mail: template syntax")

// CheckTemplate renders one field ("subject" or "body") of a workspace template of kind
// with sample data, so an unknown {{.Field}} or function is refused when it is saved:
// ErrTemplateSyntax when it does not parse at all, else ErrTemplate when it names a
// function or field that kind's e-mails do not have.
func CheckTemplate(kind, field, src string) error {
	name := kind + "." + field
	tree := parse.New(name)
	tree.Mode = parse.SkipFuncCheck
	if _, err := tree.Parse(src, "", "", map[string]*parse.Tree{}); err != nil {
		return fmt.Errorf("%w: %v", ErrTemplateSyntax, err)
	}
	_, err := execText(name, src, sampleData(kind))
	return err
}

// sampleData is data of kind's shape with every field filled.
func sampleData(kind string) any {
	starts := time.Date(2027, time.January, 20, 10, 0, 0, 0, time.UTC)
	if kind == KindInvitation {
		return Invitation{WorkspaceName: "Acme", InviterName: "Ada Lovelace", Role: "member",
			AcceptURL: "https://onair.example/v1/invitations/accept", Token: "token", ExpiresAt: starts}
	}
	return SessionMail{WorkspaceName: "Acme", EventTitle: "Launch", Name: "Ada Lovelace", StartsAt: starts,
		Timezone: "UTC", DurationMinutes: 60, JoinURL: "https://onair.example/join/x", CancelURL: "https://onair.example/cancel/x",
		Status: "approved", Reminder: "in 1 hour", ReplayURL: "https://onair.example/replay/x",
		FailedStep: "transcode", RetryURL: "https://onair.example/v1/sessions/x/post-live/retry"}
}

// ComposeWithFallback composes kind for `to` from the workspace's own template when own is
// set, else from the default. When own fails to render the default is used instead, the
// fallback is counted in TemplateFallbacks and reported to onFallback (for a log line
// naming the template): no e-mail is lost to a template.
func ComposeWithFallback(kind string, own *Template, to string, data any, onFallback func(error)) (Message, error) {
	if own != nil {
		msg, err := Compose(kind, *own, to, data)
		if !errors.Is(err, ErrTemplate) {
			return msg, err
		}
		TemplateFallbacks.WithLabelValues(kind).Inc()
		onFallback(err)
	}
	t, err := DefaultTemplate(kind)
	if err != nil {
		return Message{}, err
	}
	return Compose(kind, t, to, data)
}
