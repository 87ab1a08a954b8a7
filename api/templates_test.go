package api_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"

	"github.com/onairhq/onair/mail"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

// Saving a template renders it with sample data for its kind: what would fail to render
// is refused with 422 naming the field, and every kind the mailer sends is accepted.
func TestTemplateSaveChecks(t *testing.T) {
	h := sqliteHarness(t)
	owner := h.signup("Wording")
	create := func(kind, subject, body string) reply {
		return h.call("POST", "/v1/email-templates", owner.Key, map[string]any{"name": "N", "kind": kind, "subject": subject, "body": body})
	}
	for _, c := range []struct {
		name, kind, subject, body string
		status                    int
		field, names              string
	}{
		{"unknown field in the body", "reminder", "S", "Hi {{.Nmae}}", 422, "body", "Nmae"},
		{"unknown field in the subject", "confirmation", "{{.Title}}", "B", 422, "subject", "Title"},
		{"a field of another kind", "invitation", "S", "{{.EventTitle}}", 422, "body", "EventTitle"},
		{"unknown function", "reminder", "S", "{{upper .Name}}", 422, "body", "upper"},
		{"syntax error", "reminder", "S", "{{.Name", 400, "body", ""},
		{"unknown kind", "signup_verification", "S", "B", 400, "kind", ""},
		{"the date function", "reminder", "Soon", "On {{date .StartsAt}} ({{.Timezone}})", 201, "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := create(c.kind, c.subject, c.body)
			if c.status == http.StatusCreated {
				if r.Status != c.status {
					t.Fatalf("status %d: %s", r.Status, r.Body)
				}
				return
			}
			p := wantProblem(t, r, c.status, c.field)
			if detail, _ := p["detail"].(string); !strings.Contains(detail, c.names) {
				t.Errorf("detail %q does not name %q", detail, c.names)
			}
		})
	}

	t.Run("every kind", func(t *testing.T) {
		for _, kind := range mail.CustomKinds {
			def, err := mail.DefaultTemplate(kind)
			if err != nil {
				t.Fatal(err)
			}
			if r := create(kind, def.Subject, def.Text); r.Status != http.StatusCreated {
				t.Errorf("%s with its default wording: %d %s", kind, r.Status, r.Body)
			}
		}
	})

	t.Run("per language", func(t *testing.T) {
		r := h.must(http.StatusCreated, "POST", "/v1/email-templates", owner.Key,
			map[string]any{"name": "FR", "kind": "denied", "language": "fr", "subject": "{{t \"mail.denied.subject\" \"Title\" .EventTitle}}", "body": "{{greeting .Name}} {{date .StartsAt}}"})
		if got := r.field(t, "language"); got != "fr" {
			t.Errorf("language %q", got)
		}
		wantProblem(t, h.call("POST", "/v1/email-templates", owner.Key,
			map[string]any{"name": "X", "kind": "denied", "language": "klingon", "subject": "S", "body": "B"}), 400, "language")
		wantProblem(t, h.call("PATCH", "/v1/email-templates/"+r.field(t, "id"), owner.Key, map[string]any{"language": "de"}), 400, "language")
		if got := h.must(http.StatusOK, "PATCH", "/v1/email-templates/"+r.field(t, "id"), owner.Key, map[string]any{"language": ""}).field(t, "language"); got != "" {
			t.Errorf("language after clearing %q", got)
		}
	})

	t.Run("older follow-up spelling", func(t *testing.T) {
		r := h.must(http.StatusCreated, "POST", "/v1/email-templates", owner.Key,
			map[string]any{"name": "Thanks", "kind": "follow_up_attended", "subject": "Thanks {{.Name}}", "body": "{{.ReplayURL}}"})
		if got := r.field(t, "kind"); got != mail.KindFollowUpAttended {
			t.Errorf("stored as %q, want %q", got, mail.KindFollowUpAttended)
		}
		// A row saved with the older spelling is checked and kept as the mailer's kind.
		old := &store.EmailTemplate{ID: store.NewID("tpl"), WorkspaceID: owner.WorkspaceID, OwnerID: owner.UserID, Name: "Old",
			Kind: "follow_up_missed", Subject: "Missed", Body: "B", CreatedAt: store.Now(), UpdatedAt: store.Now()}
		if err := store.Insert(context.Background(), h.db, old); err != nil {
			t.Fatal(err)
		}
		wantProblem(t, h.call("PATCH", "/v1/email-templates/"+old.ID, owner.Key, map[string]any{"body": "{{.Nope}}"}), 422, "body")
		got := h.must(http.StatusOK, "PATCH", "/v1/email-templates/"+old.ID, owner.Key, map[string]any{"body": "{{.ReplayURL}}"})
		if kind := got.field(t, "kind"); kind != mail.KindFollowUpMissed {
			t.Errorf("updated row kind %q", kind)
		}
	})

	t.Run("the kinds are an enum in the OpenAPI document", func(t *testing.T) {
		var doc struct {
			Components struct {
				Schemas map[string]struct {
					Enum []string `json:"enum"`
				} `json:"schemas"`
			} `json:"components"`
		}
		h.must(http.StatusOK, "GET", "/openapi.json", "", nil).json(t, &doc)
		for _, kind := range mail.CustomKinds {
			if !slices.Contains(doc.Components.Schemas["TemplateKind"].Enum, kind) {
				t.Errorf("no %s in the TemplateKind enum of the OpenAPI document", kind)
			}
		}
	})
}

// A template that passes the sample render but fails with a real recipient's data still
// lets the e-mail out, in the default wording, and is counted; the invitation override
// applies to team invitations.
func TestTemplateFailingAtSendFallsBackToTheDefault(t *testing.T) {
	h := newHarness(t, storetest.Postgres(t))
	owner := h.signupTeam("Fallback")
	// slice of the first five letters: fine for the sample "Ada Lovelace", not for "Bo".
	h.must(http.StatusCreated, "POST", "/v1/email-templates", owner.Key, map[string]any{
		"name": "Short names", "kind": "confirmation", "subject": "Welcome {{slice .Name 0 5}}", "body": "See you {{.JoinURL}}"})
	ses := openSession(t, h, owner)
	before := templateFallbacks(t, mail.KindConfirmation)

	short := email("bo")
	h.must(http.StatusCreated, "POST", "/v1/public/sessions/"+ses+"/registrations", "", map[string]any{"email": short, "name": "Bo"})
	if _, text := h.waitMail(short, "You are registered: All hands"); !strings.Contains(text, "/join/") {
		t.Errorf("default confirmation without its join link: %s", text)
	}
	if got := templateFallbacks(t, mail.KindConfirmation); got != before+1 {
		t.Errorf("fallbacks %v, want %v", got, before+1)
	}

	long := email("bartholomew")
	h.must(http.StatusCreated, "POST", "/v1/public/sessions/"+ses+"/registrations", "", map[string]any{"email": long, "name": "Bartholomew"})
	if _, text := h.waitMail(long, "Welcome Barth"); !strings.HasPrefix(text, "See you http") {
		t.Errorf("own confirmation body %q", text)
	}

	h.must(http.StatusCreated, "POST", "/v1/email-templates", owner.Key, map[string]any{
		"name": "Invite", "kind": "invitation", "subject": "Come to {{.WorkspaceName}}", "body": "Token {{.Token}}"})
	invitee := email("invitee")
	h.must(http.StatusCreated, "POST", "/v1/invitations", owner.Key, map[string]any{"email": invitee, "role": "member"})
	if _, text := h.waitMail(invitee, "Come to Fallback"); !strings.Contains(text, "Token inv_") {
		t.Errorf("own invitation body %q", text)
	}
}

// templateFallbacks reads mail.TemplateFallbacks for kind.
func templateFallbacks(t *testing.T, kind string) float64 {
	t.Helper()
	var m dto.Metric
	if err := mail.TemplateFallbacks.WithLabelValues(kind).Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}
