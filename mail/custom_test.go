package mail

import (
	"errors"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
)

// Every customisable kind has default templates, and they pass the check a workspace's
// own template must pass: the list, the mailer and the defaults agree.
func TestCustomKindsHaveDefaultsThatPassTheCheck(t *testing.T) {
	for _, kind := range CustomKinds {
		t.Run(kind, func(t *testing.T) {
			def, err := DefaultTemplate(kind)
			if err != nil {
				t.Fatal(err)
			}
			if err := CheckTemplate(kind, "subject", def.Subject); err != nil {
				t.Errorf("default subject: %v", err)
			}
			if err := CheckTemplate(kind, "body", def.Text); err != nil {
				t.Errorf("default body: %v", err)
			}
		})
	}
}

func TestCanonicalKind(t *testing.T) {
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{"follow_up_attended", KindFollowUpAttended, true},
		{"follow_up_missed", KindFollowUpMissed, true},
		{KindFollowUpAttended, KindFollowUpAttended, true},
		{KindReceived, KindReceived, true},
		{KindInvitation, KindInvitation, true},
		{KindPaymentFailed, KindPaymentFailed, true},
		{KindDenied, KindDenied, true},
		{KindSignupVerification, KindSignupVerification, false},
		{"nope", "nope", false},
	} {
		if got, ok := CanonicalKind(c.in); got != c.want || ok != c.ok {
			t.Errorf("CanonicalKind(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
	if got := StoredKinds(KindFollowUpMissed); len(got) != 2 || got[1] != "follow_up_missed" {
		t.Errorf("StoredKinds(followup_missed) = %v", got)
	}
}

func TestCheckTemplate(t *testing.T) {
	for _, c := range []struct {
		name, kind, src string
		want            error // nil: accepted
		names           string
	}{
		{"date of the session", KindConfirmation, "On {{date .StartsAt}}", nil, ""},
		{"invitation fields", KindInvitation, "{{.InviterName}} until {{date .ExpiresAt}}", nil, ""},
		{"unknown field", KindReminder, "{{.Nope}}", ErrTemplate, "Nope"},
		{"field of another kind", KindInvitation, "{{.EventTitle}}", ErrTemplate, "EventTitle"},
		{"unknown function", KindReminder, "{{shout .Name}}", ErrTemplate, "shout"},
		{"syntax error", KindReminder, "{{.Name", ErrTemplateSyntax, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := CheckTemplate(c.kind, "body", c.src)
			if c.want == nil && err != nil || c.want != nil && !errors.Is(err, c.want) {
				t.Fatalf("CheckTemplate = %v, want %v", err, c.want)
			}
			if c.names != "" && !strings.Contains(err.Error(), c.names) {
				t.Errorf("error %q does not name %q", err, c.names)
			}
		})
	}
}

// A workspace template that fails with real data is replaced by the default and counted.
func TestComposeWithFallback(t *testing.T) {
	env := func(to string) Envelope {
		return Envelope{Kind: KindConfirmation, To: to, Lang: "en", Data: SessionMail{EventTitle: "Launch", Name: "Bo", Timezone: "UTC"}}
	}
	own := &Template{Subject: "Hi {{slice .Name 0 5}}", Text: "Body"} // passes the sample, not "Bo"
	if err := CheckTemplate(KindConfirmation, "subject", own.Subject); err != nil {
		t.Fatalf("sample render: %v", err)
	}
	before := fallbacks(t, KindConfirmation)
	var reported error
	msg, err := ComposeWithFallback(env("bo@example.com"), own, func(err error) { reported = err })
	if err != nil {
		t.Fatal(err)
	}
	if msg.Subject != "You are registered: Launch" {
		t.Errorf("subject %q, want the default's", msg.Subject)
	}
	if !errors.Is(reported, ErrTemplate) {
		t.Errorf("reported %v, want the template error", reported)
	}
	if got := fallbacks(t, KindConfirmation); got != before+1 {
		t.Errorf("fallbacks %v, want %v", got, before+1)
	}

	good := &Template{Subject: "Hi {{.Name}}", Text: "Body"}
	msg, err = ComposeWithFallback(env("bo@example.com"), good, func(err error) { t.Errorf("fell back: %v", err) })
	if err != nil || msg.Subject != "Hi Bo" {
		t.Errorf("own template: %q, %v", msg.Subject, err)
	}
	if _, err := ComposeWithFallback(env("not an address"), good, nil); !errors.Is(err, ErrInvalidAddress) {
		t.Errorf("bad address: %v, want ErrInvalidAddress", err)
	}
}

// fallbacks reads TemplateFallbacks for kind.
func fallbacks(t *testing.T, kind string) float64 {
	t.Helper()
	var m dto.Metric
	if err := TemplateFallbacks.WithLabelValues(kind).Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}
