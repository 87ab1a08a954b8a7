package mail

import (
	"errors"
	"testing"
)

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
