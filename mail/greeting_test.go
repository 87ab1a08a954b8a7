package mail

import (
	"strings"
	"testing"
)

// Every default e-mail to a registrant or speaker greets them by name when
// there is one, and reads "Hello," (never "Hello ,") when there is none.
func TestDefaultsGreetWithAndWithoutAName(t *testing.T) {
	for _, kind := range CustomKinds {
		if kind == KindInvitation {
			continue // team invitations have no recipient name
		}
		tpl, err := DefaultTemplate(kind)
		if err != nil {
			t.Fatal(err)
		}
		named := sampleData(kind).(SessionMail)
		anonymous := named
		anonymous.Name = ""
		for _, c := range []struct {
			data SessionMail
			want string
		}{{named, "Hello Ada Lovelace,"}, {anonymous, "Hello,"}} {
			m, err := Compose(kind, tpl, "ada@example.com", c.data)
			if err != nil {
				t.Fatalf("%s: %v", kind, err)
			}
			if strings.Contains(m.Text, "Hello ,") || !strings.Contains(m.Text, c.want) {
				t.Errorf("%s with name %q: text starts %q, want %q", kind, c.data.Name, firstLine(m.Text), c.want)
			}
		}
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
