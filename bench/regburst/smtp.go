package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

// mailSink is the SMTP server onair sends to (SMTP_URL), as in production: it accepts every
// message, keeps none, and counts them with the time the last one arrived.
type mailSink struct {
	srv *smtp.Server
	url string

	mu    sync.Mutex
	count int
	last  time.Time
}

func startMailSink() (*mailSink, error) {
	s := &mailSink{}
	s.srv = smtp.NewServer(s)
	s.srv.Domain = "localhost"
	s.srv.ReadTimeout, s.srv.WriteTimeout = 30*time.Second, 30*time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	go func() { _ = s.srv.Serve(l) }()
	s.url = "smtp://" + l.Addr().String() + "?tls=none"
	return s, nil
}

func (s *mailSink) close() { _ = s.srv.Close() }

func (s *mailSink) NewSession(*smtp.Conn) (smtp.Session, error) { return sinkSession{s}, nil }

func (s *mailSink) received() (int, time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count, s.last
}

// wait waits until at least n messages arrived and returns when the last one did.
func (s *mailSink) wait(ctx context.Context, n int, limit time.Duration) (time.Time, error) {
	deadline := time.Now().Add(limit)
	for {
		got, last := s.received()
		if got >= n {
			return last, nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return time.Time{}, fmt.Errorf("%d of %d e-mails received after %v", got, n, limit)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

type sinkSession struct{ s *mailSink }

func (sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (sinkSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (sinkSession) Reset()                               {}
func (sinkSession) Logout() error                        { return nil }
func (ss sinkSession) Data(r io.Reader) error {
	if _, err := io.Copy(io.Discard, r); err != nil {
		return err
	}
	ss.s.mu.Lock()
	ss.s.count++
	ss.s.last = time.Now()
	ss.s.mu.Unlock()
	return nil
}
