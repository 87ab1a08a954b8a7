package mail

import (
	"fmt"
	"time"

	"github.com/onairhq/onair/locale"
)

// SampleLinks are the links sample e-mails carry. A test that opens every link of every
// e-mail fills them with real ones of a running API; an empty link reads as an
// https://onair.example/... placeholder.
type SampleLinks struct {
	Join        string // a registrant's personal join link (/join/<secret>)
	Cancel      string // their cancel link (/cancel/<secret>)
	Replay      string // their replay link (/replay/<secret>)
	Register    string // the event's public page (/e/<slug>), in session invitations
	Unsubscribe string // the one-click unsubscribe link (/unsubscribe/<token>)
	Accept      string // a team invitation's page (/invitations/<token>)
	Billing     string // the payment provider's page of an open invoice; empty: none (local billing)
	Verify      string // the sign-up confirmation page (/signup/verify/<token>)
	Logo        string // the workspace's logo (/brand/<slug>/logo)
}

func (l SampleLinks) or(link, path string) string {
	if link != "" {
		return link
	}
	return "https://onair.example" + path
}

// sampleStart is the sample session's start: Wednesday 20 January 2027, 10:00 in Paris.
var sampleStart = time.Date(2027, time.January, 20, 9, 0, 0, 0, time.UTC)

// SampleData is data of kind's shape with every field filled, in lang (the reminder
// phrase), with links from l: what a workspace template is checked against when saved.
func SampleData(kind, lang string, l SampleLinks) any {
	spec, _ := specOf(kind)
	switch spec.family {
	case familyInvitation:
		return Invitation{WorkspaceName: "Acme", InviterName: "Ada Lovelace", Role: "member",
			AcceptURL: l.or(l.Accept, "/invitations/token"), Token: "token", ExpiresAt: sampleStart.Add(7 * 24 * time.Hour)}
	case familyDunning:
		return Dunning{WorkspaceName: "Acme", GraceEndsAt: sampleStart, BillingURL: l.Billing}
	case familyWebhook:
		return WebhookDisabled{WorkspaceName: "Acme", Endpoint: "hooks.example.com/onair", FailingSince: sampleStart,
			LastError: "HTTP 503", EnableCall: "PATCH /v1/webhooks/wh_sample {\"enabled\": true}"}
	case familySignup:
		return SignupVerification{WorkspaceName: "Acme", Name: "Ada Lovelace", VerifyURL: l.or(l.Verify, "/signup/verify/token"),
			Token: "token", ExpiresAt: sampleStart}
	}
	m := SessionMail{WorkspaceName: "Acme", EventTitle: "Launch", Name: "Ada Lovelace", StartsAt: sampleStart,
		Timezone: "Europe/Paris", DurationMinutes: 60, JoinURL: l.or(l.Join, "/join/x"), CancelURL: l.or(l.Cancel, "/cancel/x"),
		Status: "approved", Reminder: locale.For(lang).In(60), ReplayURL: l.or(l.Replay, "/replay/x"),
		FailedStep: "transcode", RetryCall: "POST /v1/sessions/ses_sample/post-live/retry"}
	switch kind {
	case KindSessionInvitation:
		m.JoinURL, m.CancelURL = l.or(l.Register, "/e/launch"), ""
	case KindWaitlisted:
		m.Status = "waitlisted"
	case KindReceived:
		m.Status = "pending"
	}
	_ = m.Localize() // Europe/Paris is always known
	return m
}

// SampleMessages renders every kind of e-mail onair sends, in lang, with the default
// wording, a branded header (logo from l.Logo when set) and sample data whose links come
// from l; the kinds that carry List-Unsubscribe carry l.Unsubscribe. It is what a test
// that follows every link of every e-mail reads; the messages carry their calendar
// invitations as they would be sent.
func SampleMessages(lang string, l SampleLinks) ([]Message, error) {
	var out []Message
	for _, kind := range AllKinds {
		env := Envelope{Kind: kind, To: "ada@example.com", Lang: lang, Data: SampleData(kind, lang, l),
			Brand: Brand{Name: "Acme", LogoURL: l.Logo, Color: "#0b7285"}}
		if kind == KindSignupVerification {
			env.Lang = "en" // bilingual, English first, as SignupVerificationMessage sends it
		}
		if Unsubscribable(kind) {
			env.UnsubscribeURL = l.or(l.Unsubscribe, "/unsubscribe/x")
		}
		t, err := DefaultTemplate(kind)
		if err != nil {
			return nil, err
		}
		msg, err := Compose(env, t)
		if err != nil {
			return nil, fmt.Errorf("sample %s in %s: %w", kind, lang, err)
		}
		if inv, ok := SessionInvite(kind, lang, env.Data); ok {
			inv.UID, inv.Organizer, inv.OrganizerName, inv.Attendee = "ses_sample@onair", "events@onair.example", "Acme", env.To
			if err := msg.AddCalendar(inv); err != nil {
				return nil, err
			}
		}
		out = append(out, msg)
	}
	return out, nil
}
