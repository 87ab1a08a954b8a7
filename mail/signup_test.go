package mail

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestSignupVerificationMessage(t *testing.T) {
	v := SignupVerification{
		WorkspaceName: "Acme Webinars", Name: "Ann Lee", VerifyURL: "https://api.onair.example/v1/signup/verify",
		Token: "sgn_tok123", ExpiresAt: time.Date(2026, 12, 3, 9, 30, 0, 0, time.FixedZone("CET", 3600)),
	}
	m, err := SignupVerificationMessage("ann@example.com", v)
	if err != nil {
		t.Fatal(err)
	}
	if m.Headers["X-Onair-Kind"] != KindSignupVerification {
		t.Errorf("X-Onair-Kind = %q", m.Headers["X-Onair-Kind"])
	}
	for _, want := range []string{"Confirm your new onair workspace Acme Webinars", "Confirmez votre nouvel espace onair Acme Webinars"} {
		if !strings.Contains(m.Subject, want) {
			t.Errorf("subject %q lacks %q", m.Subject, want)
		}
	}
	for _, want := range []string{
		"Hello Ann Lee", "Bonjour Ann Lee", "“Acme Webinars”", "« Acme Webinars »",
		"https://api.onair.example/v1/signup/verify", "sgn_tok123",
		"expires on Thursday, 3 December 2026 at 8:30 AM UTC", "expire le jeudi 3 décembre 2026 à 08:30 (UTC)",
		"ignore this e-mail", "ignorez ce message",
	} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, m.Text)
		}
	}
	if _, err := m.build("no-reply@onair.example"); err != nil {
		t.Errorf("not a sendable message: %v", err)
	}

	for name, broken := range map[string]func(*SignupVerification){
		"no token":     func(v *SignupVerification) { v.Token = "" },
		"no expiry":    func(v *SignupVerification) { v.ExpiresAt = time.Time{} },
		"relative url": func(v *SignupVerification) { v.VerifyURL = "/v1/signup/verify" },
	} {
		bad := v
		broken(&bad)
		if _, err := SignupVerificationMessage("ann@example.com", bad); !errors.Is(err, ErrInvalidMessage) {
			t.Errorf("%s: %v, want ErrInvalidMessage", name, err)
		}
	}
}
