package mail

import (
	"errors"
	"testing"
)

// A workspace's own template goes through Render with the same data as the default.
func TestRenderWorkspaceOverride(t *testing.T) {
	subject, text, err := Render(KindInvitation,
		"Join {{.WorkspaceName}}\n",
		"{{.InviterName}} wants you in {{.WorkspaceName}}: {{.AcceptURL}} (until {{date .ExpiresAt}})",
		sampleInvitation())
	if err != nil {
		t.Fatal(err)
	}
	if want := "Join Acme <script>alert(1)</script> & Co"; subject != want {
		t.Errorf("subject = %q, want %q", subject, want)
	}
	want := "Ann Lee wants you in Acme <script>alert(1)</script> & Co: " +
		"https://app.onair.example/invitations/accept?token=tok123&ws=7 (until Sunday, 29 November 2026 20:30 UTC)"
	if text != want {
		t.Errorf("text = %q, want %q", text, want)
	}
}

func TestRenderBadTemplates(t *testing.T) {
	tests := []struct {
		name, subject, body string
	}{
		{"unknown field", "Hi", "{{.Nope}}"},
		{"syntax error", "{{.WorkspaceName", "body"},
		{"unknown function", "Hi", "{{shout .WorkspaceName}}"},
		{"missing map key", "{{.missing}}", "body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var data any = sampleInvitation()
			if tt.name == "missing map key" {
				data = map[string]string{}
			}
			if _, _, err := Render("custom", tt.subject, tt.body, data); !errors.Is(err, ErrTemplate) {
				t.Errorf("Render error = %v, want ErrTemplate", err)
			}
		})
	}
	if _, err := RenderHTML("custom", "<p>{{.Nope}}</p>", sampleInvitation()); !errors.Is(err, ErrTemplate) {
		t.Errorf("RenderHTML error = %v, want ErrTemplate", err)
	}
}

func TestDefaultTemplate(t *testing.T) {
	tpl, err := DefaultTemplate(KindInvitation)
	if err != nil {
		t.Fatal(err)
	}
	if tpl.Subject == "" || tpl.Text == "" || tpl.HTML == "" {
		t.Errorf("invitation template has an empty part: %+v", tpl)
	}
	if _, err := DefaultTemplate("no-such-kind"); !errors.Is(err, ErrUnknownKind) {
		t.Errorf("unknown kind error = %v, want ErrUnknownKind", err)
	}
	// A text-only template (as a workspace override may be) gives a text-only message.
	tpl.HTML = ""
	m, err := Compose(KindInvitation, tpl, "bob@example.com", sampleInvitation())
	if err != nil {
		t.Fatal(err)
	}
	if m.HTML != "" || m.Text == "" {
		t.Errorf("Compose without HTML template: HTML %q, text %q", m.HTML, m.Text)
	}
}
