package mail

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func sampleInvitation() Invitation {
	return Invitation{
		WorkspaceName: "Acme <script>alert(1)</script> & Co",
		InviterName:   "Ann Lee",
		Role:          "admin",
		AcceptURL:     "https://app.onair.example/invitations/accept?token=tok123&ws=7",
		Token:         "tok123",
		ExpiresAt:     time.Date(2026, 11, 29, 20, 30, 0, 0, time.UTC),
	}
}

func TestInvitationMessage(t *testing.T) {
	m, err := InvitationMessage("Bob@Example.com", "en", Brand{Name: "Acme"}, sampleInvitation(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.To) != 1 || m.To[0] != "Bob@example.com" {
		t.Errorf("To = %v", m.To)
	}
	if m.Headers["X-Onair-Kind"] != KindInvitation {
		t.Errorf("X-Onair-Kind = %q", m.Headers["X-Onair-Kind"])
	}
	if want := "Ann Lee invited you to join Acme <script>alert(1)</script> & Co on onair"; m.Subject != want {
		t.Errorf("Subject = %q, want %q", m.Subject, want)
	}
	for _, want := range []string{
		"https://app.onair.example/invitations/accept?token=tok123&ws=7",
		"tok123", "as administrator", "Ann Lee", "Sunday, 29 November 2026 at 8:30 PM UTC",
	} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, m.Text)
		}
	}
	for _, want := range []string{
		`href="https://app.onair.example/invitations/accept?token=tok123&amp;ws=7"`,
		"Acme &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co",
		"tok123", "Sunday, 29 November 2026 at 8:30 PM UTC", ">Accept the invitation</a>",
	} {
		if !strings.Contains(m.HTML, want) {
			t.Errorf("HTML lacks %q:\n%s", want, m.HTML)
		}
	}
	if strings.Contains(m.HTML, "<script>") {
		t.Errorf("HTML contains an unescaped <script>:\n%s", m.HTML)
	}
	if _, err := m.build("no-reply@onair.example"); err != nil {
		t.Errorf("the invitation is not a sendable message: %v", err)
	}
}

func TestInvitationMessageFoldsSubject(t *testing.T) {
	inv := sampleInvitation()
	inv.WorkspaceName = "Acme\r\nBcc: victim@example.com"
	inv.InviterName = ""
	m, err := InvitationMessage("bob@example.com", "en", Brand{}, inv, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := "You are invited to join Acme Bcc: victim@example.com on onair"; m.Subject != want {
		t.Errorf("Subject = %q, want %q", m.Subject, want)
	}
}

func TestInvitationMessageRefusesBadInput(t *testing.T) {
	tests := []struct {
		name string
		to   string
		edit func(*Invitation)
		want error
	}{
		{"bad recipient", "bob", func(*Invitation) {}, ErrInvalidAddress},
		{"javascript accept URL", "bob@example.com", func(i *Invitation) { i.AcceptURL = "javascript:alert(1)" }, ErrInvalidMessage},
		{"relative accept URL", "bob@example.com", func(i *Invitation) { i.AcceptURL = "/accept?token=x" }, ErrInvalidMessage},
		{"no token", "bob@example.com", func(i *Invitation) { i.Token = "" }, ErrInvalidMessage},
		{"no expiry", "bob@example.com", func(i *Invitation) { i.ExpiresAt = time.Time{} }, ErrInvalidMessage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv := sampleInvitation()
			tt.edit(&inv)
			if _, err := InvitationMessage(tt.to, "en", Brand{}, inv, nil, nil); !errors.Is(err, tt.want) {
				t.Errorf("error = %v, want %v", err, tt.want)
			}
		})
	}
}
