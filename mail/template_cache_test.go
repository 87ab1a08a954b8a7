package mail

import (
	"strings"
	"sync"
	"testing"
)

// Templates are parsed once (template_cache.go), yet every message is still the recipient's
// own: composed from many goroutines, alternating languages, brands and recipients, each
// message has its own name and link, the subject in its language and the button in its brand.
func TestParsedTemplatesKeepEachMessageItsOwn(t *testing.T) {
	tpl, err := DefaultTemplate(KindConfirmation)
	if err != nil {
		t.Fatal(err)
	}
	subjects := map[string]string{}
	for _, lang := range []string{"en", "fr"} {
		m, err := Compose(Envelope{Kind: KindConfirmation, To: "a@example.com", Lang: lang, Data: SampleData(KindConfirmation, lang, SampleLinks{})}, tpl)
		if err != nil {
			t.Fatal(err)
		}
		subjects[lang] = m.Subject
	}
	if subjects["en"] == subjects["fr"] {
		t.Fatalf("the same subject in English and French: %q", subjects["en"])
	}
	brands := []Brand{{Name: "Acme", Color: "#112233"}, {Name: "Globex", Color: "#445566"}}
	var wg sync.WaitGroup
	for i := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lang, brand := []string{"en", "fr"}[i%2], brands[(i/2)%2]
			data := SampleData(KindConfirmation, lang, SampleLinks{Join: "https://onair.example/j/" + strings.Repeat("x", i+1)}).(SessionMail)
			data.Name = "Person" + strings.Repeat("é", i+1)
			m, err := Compose(Envelope{Kind: KindConfirmation, To: "a@example.com", Lang: lang, Brand: brand, Data: data}, tpl)
			if err != nil {
				t.Error(err)
				return
			}
			if m.Subject != subjects[lang] {
				t.Errorf("message %d (%s): subject %q, want %q", i, lang, m.Subject, subjects[lang])
			}
			button := `<td style="border-radius:6px;background:` + brand.Color + `"><a href="` + data.JoinURL
			for _, want := range []string{data.Name, button} {
				if !strings.Contains(m.HTML, want) {
					t.Errorf("message %d (%s, %s): HTML lacks %q", i, lang, brand.Name, want)
				}
			}
			if !strings.Contains(m.Text, data.Name) || !strings.Contains(m.Text, data.JoinURL) {
				t.Errorf("message %d: text lacks its name or link", i)
			}
		}()
	}
	wg.Wait()
}
