package api_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/http/httptest"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	ical "github.com/arran4/golang-ical"
	"github.com/emersion/go-smtp"
	"github.com/uptrace/bun"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/onairhq/onair/activities"
	"github.com/onairhq/onair/api"
	onairmail "github.com/onairhq/onair/mail"
	"github.com/onairhq/onair/media/mediatest"
	"github.com/onairhq/onair/media/placement"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/worker"
)

// smtpMaildir is a real SMTP server (go-smtp, in process) that writes every
// message it accepts as an .eml file, so the harness's mailbox reads it.
type smtpMaildir struct {
	dir string
	n   atomic.Int64
}

func startSMTPMaildir(t *testing.T) (*smtpMaildir, string) {
	t.Helper()
	be := &smtpMaildir{dir: t.TempDir()}
	return be, serveSMTP(t, be, nil)
}

// serveSMTP runs a real SMTP server (go-smtp) for be on a free loopback port
// until the test ends, and returns its SMTP_URL.
func serveSMTP(t *testing.T, be smtp.Backend, tune func(*smtp.Server)) string {
	t.Helper()
	srv := smtp.NewServer(be)
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	if tune != nil {
		tune(srv)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "smtp://" + l.Addr().String() + "?tls=none"
}

func (b *smtpMaildir) NewSession(*smtp.Conn) (smtp.Session, error) { return &maildirSession{b: b}, nil }

type maildirSession struct{ b *smtpMaildir }

func (s *maildirSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *maildirSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *maildirSession) Reset()                               {}
func (s *maildirSession) Logout() error                        { return nil }
func (s *maildirSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	name := filepath.Join(s.b.dir, fmt.Sprintf("%09d", s.b.n.Add(1)))
	if err := os.WriteFile(name+".tmp", data, 0o644); err != nil {
		return err
	}
	return os.Rename(name+".tmp", name+".eml")
}

// newHarnessWith is newHarness with the caller's mail sender and mail
// directory, and workers the caller starts (startWorker) and stops.
func newHarnessWith(t *testing.T, db *bun.DB, sender onairmail.Sender, mailDir string) (*harness, func(onairmail.Sender) sdkworker.Worker) {
	return newMediaHarness(t, db, sender, mailDir, nil)
}

// newMediaHarness is newHarnessWith whose API and workers reach the media node at media
// (nil: no media node).
func newMediaHarness(t *testing.T, db *bun.DB, sender onairmail.Sender, mailDir string, media *mediaNode) (*harness, func(onairmail.Sender) sdkworker.Worker) {
	t.Helper()
	quiet := slog.New(slog.DiscardHandler)
	queue := "api-e2e-" + store.NewSecret(6)
	params := api.Params{DB: db, Mail: sender, Log: quiet, Temporal: temporalClient, TaskQueue: queue,
		BaseURL: "http://onair.test", Limits: noLimits(), LinkKey: testLinkKey}
	var control *placement.Nodes
	if media != nil {
		control = mediatest.RegisterNode(t, db, media.srv.URL, media.secret)
		params.Media, params.MediaSecret = control, media.secret
		e, err := worker.NewEgress(worker.EgressParams{Client: temporalClient, TaskQueue: queue,
			Egress: &activities.Egress{RecordingsDir: media.dir, DB: db, Log: quiet}})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(e.Stop)
	}
	startWorker := func(s onairmail.Sender) sdkworker.Worker {
		w, err := worker.New(worker.Params{Client: temporalClient, TaskQueue: queue,
			Activities: &activities.Activities{DB: db, Mail: s, Log: quiet, PublicURL: "http://onair.test", Media: control, Links: testLinkKey}})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Start(); err != nil {
			t.Fatal(err)
		}
		return w
	}
	srv := httptest.NewServer(api.New(params).Handler())
	t.Cleanup(srv.Close)
	return &harness{t: t, srv: srv, db: db, mailDir: mailDir}, startWorker
}

// calendarOf finds the text/calendar part of a raw e-mail and parses it.
func calendarOf(t *testing.T, raw []byte) (*ical.Calendar, string) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var found []byte
	var contentType string
	var walk func(ct, enc string, body io.Reader)
	walk = func(ct, enc string, body io.Reader) {
		mt, params, err := mime.ParseMediaType(ct)
		if err != nil {
			t.Fatalf("content type %q: %v", ct, err)
		}
		if strings.HasPrefix(mt, "multipart/") {
			parts := multipart.NewReader(body, params["boundary"])
			for {
				p, err := parts.NextRawPart()
				if err != nil {
					return
				}
				walk(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p)
			}
		}
		if mt != "text/calendar" {
			return
		}
		switch strings.ToLower(enc) {
		case "base64":
			body = base64.NewDecoder(base64.StdEncoding, body)
		case "quoted-printable":
			body = quotedprintable.NewReader(body)
		}
		found, _ = io.ReadAll(body)
		contentType = ct
	}
	walk(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
	if found == nil {
		t.Fatalf("no text/calendar part in:\n%s", raw)
	}
	cal, err := ical.ParseCalendar(bytes.NewReader(found))
	if err != nil {
		t.Fatalf("parse .ics: %v\n%s", err, found)
	}
	return cal, contentType
}

// reminderCounter counts reminders per recipient across workers.
type reminderCounter struct {
	mu     sync.Mutex
	counts map[string]int
	sent   int
}

// countingSender is one worker's mail sender feeding a reminderCounter; with
// blockAfter set it hangs (until cancelled) once that many reminders have
// gone, the way a worker dies in the middle of a batch.
type countingSender struct {
	c          *reminderCounter
	blockAfter int
}

func (s countingSender) Send(ctx context.Context, m onairmail.Message) error {
	if m.Headers["X-Onair-Kind"] != onairmail.KindReminder {
		return nil
	}
	s.c.mu.Lock()
	if s.blockAfter > 0 && s.c.sent >= s.blockAfter {
		s.c.mu.Unlock()
		<-ctx.Done()
		return ctx.Err()
	}
	s.c.sent++
	s.c.counts[m.To[0]]++
	s.c.mu.Unlock()
	return nil
}

func (r *reminderCounter) snapshot() (int, map[string]int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]int, len(r.counts))
	for k, v := range r.counts {
		out[k] = v
	}
	return r.sent, out
}
