package mail

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// FileSender writes each message as an .eml file (the exact bytes an SMTP server would
// receive) under Dir. `onair dev` uses it so mail can be read without a mail server.
type FileSender struct {
	dir  string
	from string

	now  func() time.Time // the clock; tests stop it
	mu   sync.Mutex
	last time.Time // newest name stamp handed out, so names sort in send order
}

// fileStamp sorts lexically in time order; microseconds keep bursts apart.
const fileStamp = "20060102T150405.000000Z"

// NewFileSender creates dir if needed. from is the default sender and may be empty if every
// message sets its own.
func NewFileSender(dir, from string) (*FileSender, error) {
	if dir == "" {
		return nil, errors.New("mail: file sender needs a directory")
	}
	if from != "" {
		if _, err := parseAddress(from); err != nil {
			return nil, fmt.Errorf("default sender: %w", err)
		}
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create mail directory: %w", err)
	}
	return &FileSender{dir: dir, from: from, now: time.Now}, nil
}

// Dir is where messages are written.
func (s *FileSender) Dir() string { return s.dir }

// Send implements Sender.
func (s *FileSender) Send(ctx context.Context, m Message) error {
	_, err := s.Write(ctx, m)
	return err
}

// Write is Send returning the path of the new file, for callers that want to show it.
func (s *FileSender) Write(ctx context.Context, m Message) (string, error) {
	msg, err := m.build(s.from)
	if err != nil {
		return "", err
	}
	raw, err := encode(msg)
	if err != nil {
		return "", err
	}
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("write mail: %w", err)
	}
	// Write under a hidden temporary name and rename, so anything watching the directory
	// for *.eml never reads half a message.
	tmp, err := os.CreateTemp(s.dir, ".writing-*")
	if err != nil {
		return "", fmt.Errorf("write mail: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op once renamed
	if _, err := tmp.Write(raw); err != nil {
		_ = tmp.Close()
		return "", fmt.Errorf("write mail: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("write mail: %w", err)
	}
	path := filepath.Join(s.dir, s.nextStamp()+"-"+rand.Text()+".eml")
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", fmt.Errorf("write mail: %w", err)
	}
	return path, nil
}

// nextStamp returns the current UTC time, nudged forward when the clock has not moved
// since the previous message (coarse clocks tick every few hundred microseconds), so a
// directory listing shows messages in send order.
func (s *FileSender) nextStamp() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now().UTC().Truncate(time.Microsecond)
	if !now.After(s.last) {
		now = s.last.Add(time.Microsecond)
	}
	s.last = now
	return now.Format(fileStamp)
}
