package mail

import (
	"errors"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/onairhq/onair/locale"
)

// Every kind has default templates, in the one list the API, the mailer and the defaults
// share, and they pass the check a workspace's own template must pass.
func TestEveryKindHasDefaultsThatPassTheCheck(t *testing.T) {
	files, _ := defaultTemplates.ReadDir("templates")
	for _, f := range files {
		kind, _, _ := strings.Cut(f.Name(), ".")
		if kind != "layout" && !slices.Contains(AllKinds, kind) {
			t.Errorf("templates/%s belongs to no kind of the list", f.Name())
		}
	}
	if _, err := DefaultTemplate("no-such-kind"); !errors.Is(err, ErrUnknownKind) {
		t.Errorf("unknown kind: %v, want ErrUnknownKind", err)
	}
	for _, kind := range CustomKinds {
		def, err := DefaultTemplate(kind)
		if err != nil {
			t.Fatal(err)
		}
		if err := CheckTemplate(kind, "subject", def.Subject); err != nil {
			t.Errorf("%s: default subject: %v", kind, err)
		}
		if err := CheckTemplate(kind, "body", def.Text); err != nil {
			t.Errorf("%s: default body: %v", kind, err)
		}
	}
}

var (
	href      = regexp.MustCompile(`href="([^"]*)"`)
	leakedID  = regexp.MustCompile(`\bmail\.[a-z_]+\.[a-z_]+`)
	englishIn = regexp.MustCompile(`(?i)\b(hello|the|your|you|join|registered|registration|cancel|and|with|replay is|watch|invited|reminder|seat)\b`)
)

// Every kind renders in French and in English as HTML with a plain-text alternative, in
// the workspace's brand, with words from the catalogues (no id shows, no English in the
// French e-mails), links with real text, and List-Unsubscribe exactly where it is due.
func TestEveryKindRendersInEveryLanguage(t *testing.T) {
	links := SampleLinks{Logo: "https://onair.example/brand/acme/logo"}
	for _, lang := range locale.Supported() {
		msgs, err := SampleMessages(lang, links)
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) != len(AllKinds) {
			t.Fatalf("%d sample messages, want %d", len(msgs), len(AllKinds))
		}
		for _, m := range msgs {
			kind := m.Headers["X-Onair-Kind"]
			t.Run(lang+"/"+kind, func(t *testing.T) {
				if m.Subject == "" || strings.TrimSpace(m.Text) == "" || m.HTML == "" {
					t.Fatalf("empty part: subject %q, text %d bytes, HTML %d bytes", m.Subject, len(m.Text), len(m.HTML))
				}
				htmlLang := lang
				if kind == KindSignupVerification {
					htmlLang = "en" // bilingual, English first
				}
				for _, want := range []string{`<html lang="` + htmlLang + `"`, `role="presentation"`,
					`src="https://onair.example/brand/acme/logo" alt="Acme"`, "background:#0b7285"} {
					if !strings.Contains(m.HTML, want) {
						t.Errorf("HTML lacks %s", want)
					}
				}
				for _, s := range []string{m.Subject, m.Text, m.HTML} {
					if id := leakedID.FindString(s); id != "" {
						t.Errorf("catalogue id %q shows in the e-mail", id)
					}
					for _, bad := range []string{"Hello ,", "Bonjour ,", "<no value>", "%!"} {
						if strings.Contains(s, bad) {
							t.Errorf("e-mail contains %q", bad)
						}
					}
				}
				for _, h := range href.FindAllStringSubmatch(m.HTML, -1) {
					if !strings.HasPrefix(h[1], "https://") {
						t.Errorf("link %q is not absolute https", h[1])
					}
				}
				if strings.Contains(m.HTML, `">https://`) && kind != KindSignupVerification && kind != KindPostLiveFailed {
					t.Errorf("a link's text is its URL; links name what they do")
				}
				_, hasUnsub := m.Headers["List-Unsubscribe"]
				if hasUnsub != Unsubscribable(kind) {
					t.Errorf("List-Unsubscribe present %v, want %v", hasUnsub, Unsubscribable(kind))
				}
				if hasUnsub && (m.Headers["List-Unsubscribe"] != "<https://onair.example/unsubscribe/x>" ||
					m.Headers["List-Unsubscribe-Post"] != "List-Unsubscribe=One-Click") {
					t.Errorf("unsubscribe headers %q, %q", m.Headers["List-Unsubscribe"], m.Headers["List-Unsubscribe-Post"])
				}
				if lang == "fr" && kind != KindSignupVerification {
					for _, s := range []string{m.Subject, m.Text} {
						if w := englishIn.FindString(stripURLs(s)); w != "" {
							t.Errorf("English word %q in the French e-mail:\n%s", w, s)
						}
					}
				}
				if _, err := m.build("events@onair.example"); err != nil {
					t.Errorf("not a sendable message: %v", err)
				}
			})
		}
		if dir := os.Getenv("ONAIR_MAIL_SAMPLES"); dir != "" {
			for _, m := range msgs {
				_ = os.WriteFile(dir+"/"+lang+"-"+m.Headers["X-Onair-Kind"]+".html", []byte(m.HTML), 0o644)
			}
		}
	}
}

func stripURLs(s string) string { return regexp.MustCompile(`https?://\S+`).ReplaceAllString(s, "") }

// Dates read as each language writes them, in the session's time zone, and reminders say
// how far ahead in words.
func TestSessionMailSpeaksTheRecipientsLanguage(t *testing.T) {
	for _, c := range []struct {
		lang, kind string
		want       []string
	}{
		{"fr", KindConfirmation, []string{"Bonjour Ada Lovelace,", "« Launch » le mercredi 20 janvier 2027 à 10:00 (CET), pour une durée de 1 heure.",
			"Rejoindre la session :\nhttps://onair.example/join/x", "Annuler votre inscription : https://onair.example/cancel/x"}},
		{"en", KindConfirmation, []string{"Hello Ada Lovelace,", "“Launch” on Wednesday, 20 January 2027 at 10:00 AM CET, for 1 hour."}},
		{"fr", KindReminder, []string{"« Launch » commence dans 1 heure : mercredi 20 janvier 2027 à 10:00 (CET)."}},
		{"en", KindReminder, []string{"“Launch” starts in 1 hour: Wednesday"}},
	} {
		msgs, err := SampleMessages(c.lang, SampleLinks{})
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(msgs, func(m Message) bool { return m.Headers["X-Onair-Kind"] == c.kind })
		for _, want := range c.want {
			if !strings.Contains(msgs[i].Text, want) {
				t.Errorf("%s %s lacks %q:\n%s", c.lang, c.kind, want, msgs[i].Text)
			}
		}
	}
}

// Greetings read well with and without a name, in every language and every kind.
func TestGreetingsWithAndWithoutAName(t *testing.T) {
	for _, lang := range locale.Supported() {
		loc := locale.For(lang)
		for _, kind := range CustomKinds {
			data, ok := SampleData(kind, lang, SampleLinks{}).(SessionMail)
			if !ok {
				continue
			}
			tpl, _ := DefaultTemplate(kind)
			for _, name := range []string{"Ada Lovelace", "", "  "} {
				data.Name = name
				m, err := Compose(Envelope{Kind: kind, To: "ada@example.com", Lang: lang, Data: data}, tpl)
				if err != nil {
					t.Fatal(err)
				}
				want := loc.T("mail.greeting")
				if strings.TrimSpace(name) != "" {
					want = loc.T("mail.greeting_named", "Name", name)
				}
				if first, _, _ := strings.Cut(m.Text, "\n"); first != want {
					t.Errorf("%s %s with name %q: first line %q, want %q", lang, kind, name, first, want)
				}
			}
		}
	}
}

// The brand colour reaches a style attribute only when it is #rrggbb; a pale colour gets
// dark text; no logo, no <img>; a name with markup is escaped.
func TestBrandIsCheckedBeforeUse(t *testing.T) {
	tpl, _ := DefaultTemplate(KindConfirmation)
	data := SampleData(KindConfirmation, "en", SampleLinks{})
	for _, c := range []struct {
		brand Brand
		want  []string
		not   []string
	}{
		{Brand{Name: "A<b>cme", Color: "red;background:url(x)"}, []string{"background:" + DefaultBrandColor, "A&lt;b&gt;cme"}, []string{"<img", "url(x)", "A<b>"}},
		{Brand{Name: "Pale", Color: "#FFEEDD"}, []string{"background:#ffeedd", "color:#111111"}, nil},
		{Brand{Name: "Logo", LogoURL: "javascript:alert(1)"}, nil, []string{"<img", "javascript:"}},
	} {
		m, err := Compose(Envelope{Kind: KindConfirmation, To: "a@example.com", Lang: "en", Brand: c.brand, Data: data}, tpl)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range c.want {
			if !strings.Contains(m.HTML, w) {
				t.Errorf("%+v: HTML lacks %q", c.brand, w)
			}
		}
		for _, w := range c.not {
			if strings.Contains(m.HTML, w) {
				t.Errorf("%+v: HTML has %q", c.brand, w)
			}
		}
	}
}

// A workspace's own wording gets the defaults' functions, in the recipient's language, and
// its plain body becomes HTML paragraphs with its links clickable.
func TestCustomTemplateGetsTheDefaultsFunctions(t *testing.T) {
	own := Template{Subject: `{{t "mail.reminder.subject" "Title" .EventTitle "In" .Reminder}}`,
		Text: "{{greeting .Name}}\n\nOn {{date .StartsAt}}, {{duration .DurationMinutes}}.\n\n{{button \"Go\" .JoinURL}}\n\nAlso: {{.CancelURL}}"}
	for _, field := range []string{"subject", "body"} {
		src := map[string]string{"subject": own.Subject, "body": own.Text}[field]
		if err := CheckTemplate(KindReminder, field, src); err != nil {
			t.Fatalf("%s refused: %v", field, err)
		}
	}
	m, err := Compose(Envelope{Kind: KindReminder, To: "a@example.com", Lang: "fr", Data: SampleData(KindReminder, "fr", SampleLinks{})}, own)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Rappel : Launch commence dans 1 heure"} {
		if m.Subject != want {
			t.Errorf("subject %q, want %q", m.Subject, want)
		}
	}
	for _, want := range []string{"Bonjour Ada Lovelace,", "mercredi 20 janvier 2027 à 10:00 (CET), 1 heure", "Go :\nhttps://onair.example/join/x"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, m.Text)
		}
	}
	for _, want := range []string{`>Go</a>`, `Also: <a href="https://onair.example/cancel/x"`} {
		if !strings.Contains(m.HTML, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
}
