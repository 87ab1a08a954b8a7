package mail

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
	"time"
)

func TestFileSenderWritesParseableEML(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mail") // does not exist yet: the sender creates it
	s, err := NewFileSender(dir, "onair <no-reply@onair.example>")
	if err != nil {
		t.Fatal(err)
	}
	path, err := s.Write(context.Background(), sampleMessage())
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^\d{8}T\d{6}\.\d{6}Z-[A-Z2-7]{26}\.eml$`).MatchString(filepath.Base(path)) {
		t.Errorf("file name %q does not sort by time", filepath.Base(path))
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	checkSample(t, raw, "no-reply@onair.example")
}

func TestFileSenderNamesSortInSendOrder(t *testing.T) {
	dir := t.TempDir()
	s, err := NewFileSender(dir, "no-reply@onair.example")
	if err != nil {
		t.Fatal(err)
	}
	frozen := time.Date(2026, 11, 22, 20, 30, 0, 0, time.UTC)
	s.now = func() time.Time { return frozen } // every message in the same clock tick
	var sent []string
	for range 50 {
		p, err := s.Write(context.Background(), Message{To: []string{"a@example.com"}, Text: "x"})
		if err != nil {
			t.Fatal(err)
		}
		sent = append(sent, filepath.Base(p))
	}
	entries, err := os.ReadDir(dir) // sorted by name
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, e := range entries {
		listed = append(listed, e.Name())
	}
	if !slices.Equal(listed, sent) {
		t.Errorf("directory order differs from send order (or stray files):\n got %v\nwant %v", listed, sent)
	}
}

func TestFileSenderValidatesBeforeWriting(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		msg  Message
		want error
	}{
		{"bad recipient", context.Background(), Message{To: []string{"not an address"}, Text: "x"}, ErrInvalidAddress},
		{"no sender anywhere", context.Background(), Message{To: []string{"a@example.com"}, Text: "x"}, ErrInvalidAddress},
		{"cancelled", cancelled, Message{From: "a@example.com", To: []string{"b@example.com"}, Text: "x"}, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			s, err := NewFileSender(dir, "")
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Send(tt.ctx, tt.msg); !errors.Is(err, tt.want) {
				t.Errorf("Send error = %v, want %v", err, tt.want)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("files written despite the error: %v", entries)
			}
		})
	}
}

func TestNewPicksSender(t *testing.T) {
	s, err := New("", t.TempDir(), "a@example.com")
	if _, ok := s.(*FileSender); err != nil || !ok {
		t.Errorf("New without SMTP URL = %T, %v; want *FileSender", s, err)
	}
	s, err = New("smtp://mail.example.com", t.TempDir(), "a@example.com")
	if _, ok := s.(*SMTPSender); err != nil || !ok {
		t.Errorf("New with SMTP URL = %T, %v; want *SMTPSender", s, err)
	}
	if _, err := New("http://mail.example.com", "", "a@example.com"); err == nil {
		t.Error("New with a bad SMTP URL succeeded")
	}
	if _, err := NewFileSender(t.TempDir(), "nope"); !errors.Is(err, ErrInvalidAddress) {
		t.Errorf("NewFileSender with bad default sender: %v, want ErrInvalidAddress", err)
	}
}
