package mail

import (
	"errors"
	"strings"
	"testing"
)

// TestMessageIDFollowsTheMessageID is what lets a mail client fold a copy sent again after a
// crash: the same Message.ID gives the same Message-ID, in the sender's domain; without
// one, every send gets its own.
func TestMessageIDFollowsTheMessageID(t *testing.T) {
	messageID := func(id string) string {
		t.Helper()
		m := Message{From: "onair <noreply@onair.example>", To: []string{"b@example.com"}, Text: "t", ID: id}
		msg, err := m.build("")
		if err != nil {
			t.Fatal(err)
		}
		raw, err := encode(msg)
		if err != nil {
			t.Fatal(err)
		}
		return parseEML(t, raw).header.Get("Message-Id")
	}
	const want = "<dlv_01jx4k7c9m2q@onair.example>"
	if first, again := messageID("dlv_01jx4k7c9m2q"), messageID("dlv_01jx4k7c9m2q"); first != want || again != want {
		t.Errorf("Message-ID of a message with an ID = %q then %q, want %q both times", first, again, want)
	}
	if a, b := messageID(""), messageID(""); a == b || !strings.HasSuffix(a, "@onair.example>") {
		t.Errorf("Message-IDs without an ID = %q and %q, want two different ones in the sender's domain", a, b)
	}
}

func TestMessageValidation(t *testing.T) {
	ok := func(edit func(*Message)) Message {
		m := Message{From: "a@example.com", To: []string{"b@example.com"}, Subject: "s", Text: "t"}
		edit(&m)
		return m
	}
	tests := []struct {
		name string
		msg  Message
		want error // nil means valid
	}{
		{"minimal", ok(func(*Message) {}), nil},
		{"extra header", ok(func(m *Message) { m.Headers = map[string]string{"X-Onair-Kind": "invitation"} }), nil},
		{"attachment without type", ok(func(m *Message) { m.Attachments = []Attachment{{Filename: "a.bin", Data: []byte{0, 1}}} }), nil},
		{"bad sender", ok(func(m *Message) { m.From = "nobody" }), ErrInvalidAddress},
		{"no recipients", ok(func(m *Message) { m.To = nil }), ErrInvalidAddress},
		{"one bad recipient", ok(func(m *Message) { m.To = []string{"b@example.com", "c@"} }), ErrInvalidAddress},
		{"bad Reply-To", ok(func(m *Message) { m.Headers = map[string]string{"Reply-To": "x"} }), ErrInvalidAddress},
		{"empty text", ok(func(m *Message) { m.Text = " \n" }), ErrInvalidMessage},
		{"subject injects a header", ok(func(m *Message) { m.Subject = "hi\r\nBcc: victim@example.com" }), ErrInvalidMessage},
		{"header value injects a header", ok(func(m *Message) { m.Headers = map[string]string{"X-A": "1\nBcc: v@example.com"} }), ErrInvalidMessage},
		{"header name with colon", ok(func(m *Message) { m.Headers = map[string]string{"X-A: b": "1"} }), ErrInvalidMessage},
		{"header name with space", ok(func(m *Message) { m.Headers = map[string]string{"X A": "1"} }), ErrInvalidMessage},
		{"reserved header", ok(func(m *Message) { m.Headers = map[string]string{"bcc": "v@example.com"} }), ErrInvalidMessage},
		{"content-type header", ok(func(m *Message) { m.Headers = map[string]string{"Content-Type": "text/html"} }), ErrInvalidMessage},
		{"attachment without name", ok(func(m *Message) { m.Attachments = []Attachment{{Data: []byte("x")}} }), ErrInvalidMessage},
		{"attachment bad type", ok(func(m *Message) { m.Attachments = []Attachment{{Filename: "a", ContentType: "text/"}} }), ErrInvalidMessage},
		{"stable id", ok(func(m *Message) { m.ID = "dlv_01jx4k7c9m2q.reminder-60" }), nil},
		{"id with a space", ok(func(m *Message) { m.ID = "dlv 1" }), ErrInvalidMessage},
		{"id with an at sign", ok(func(m *Message) { m.ID = "dlv_1@evil.example" }), ErrInvalidMessage},
		{"id injects a header", ok(func(m *Message) { m.ID = "dlv_1>\r\nBcc: v@example.com" }), ErrInvalidMessage},
		{"id with an empty atom", ok(func(m *Message) { m.ID = "dlv..1" }), ErrInvalidMessage},
		{"attachment type injects", ok(func(m *Message) {
			m.Attachments = []Attachment{{Filename: "a", ContentType: "text/plain\r\nBcc: v@example.com"}}
		}), ErrInvalidMessage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.msg.build("")
			if tt.want == nil && err != nil {
				t.Fatalf("build: %v", err)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("build error = %v, want %v", err, tt.want)
			}
		})
	}
}
