package api_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	enumspb "go.temporal.io/api/enums/v1"

	"github.com/onairhq/onair/mail"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
	"github.com/onairhq/onair/workflows"
)

// Benchmarks of issue 3, run on demand (they are not timed tests):
//
//	ONAIR_BENCH=1 go test ./api -run 'TestBench' -v -timeout 20m
//
// Results go to BENCHMARKS.md. The registration burst is measured from a separate HTTP
// client against `onair dev` by bench/regburst.

// smtpCounter is a real SMTP server that counts messages by X-Onair-Kind and
// remembers when the last one arrived.
type smtpCounter struct {
	mu     sync.Mutex
	counts map[string]int
	last   time.Time
}

func startSMTPCounter(t *testing.T) (*smtpCounter, string) {
	t.Helper()
	be := &smtpCounter{counts: map[string]int{}}
	return be, serveSMTP(t, be, func(srv *smtp.Server) { srv.MaxRecipients = 1 })
}

func (b *smtpCounter) NewSession(*smtp.Conn) (smtp.Session, error) { return &counterSession{b: b}, nil }

func (b *smtpCounter) count(kind string) (int, time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.counts[kind], b.last
}

type counterSession struct{ b *smtpCounter }

func (s *counterSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *counterSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *counterSession) Reset()                               {}
func (s *counterSession) Logout() error                        { return nil }
func (s *counterSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	kind := "other"
	if i := bytes.Index(data, []byte("X-Onair-Kind: ")); i >= 0 {
		rest := data[i+len("X-Onair-Kind: "):]
		kind = strings.TrimSpace(string(rest[:bytes.IndexByte(rest, '\n')]))
	}
	s.b.mu.Lock()
	s.b.counts[kind]++
	s.b.last = time.Now()
	s.b.mu.Unlock()
	return nil
}

func benchOnly(t *testing.T) {
	if os.Getenv("ONAIR_BENCH") == "" {
		t.Skip("set ONAIR_BENCH=1 to run the benchmarks")
	}
}

// TestBenchReminderFanOut: one session with 50,000 approved registrants; the
// reminder's e-mails per second into the SMTP server and the workflow's history length.
func TestBenchReminderFanOut(t *testing.T) {
	benchOnly(t)
	const people = 50_000
	db := storetest.Postgres(t)
	box, smtpURL := startSMTPCounter(t)
	sender, err := mail.NewSMTPSender(smtpURL, "onair <noreply@onair.test>")
	if err != nil {
		t.Fatal(err)
	}
	h, startWorker := newHarnessWith(t, db, sender, t.TempDir())
	owner := h.signup("FanOut")
	ctx := context.Background()
	ev := h.must(http.StatusCreated, "POST", "/v1/events", owner.Key, map[string]any{
		"title": "Fan-out", "settings": map[string]any{"reminder_offsets_minutes": []int{1}, "green_room_minutes": 0},
	}).field(t, "id")
	// Seed the registrants straight into the store (the burst benchmark measures the API).
	startsAt := time.Now().Add(3 * time.Minute).UTC().Truncate(time.Second)
	sesID := h.must(http.StatusCreated, "POST", "/v1/events/"+ev+"/sessions", owner.Key,
		map[string]any{"starts_at": startsAt.Format(time.RFC3339), "duration_minutes": 15, "timezone": "UTC"}).field(t, "id")
	now := store.Now()
	for from := 0; from < people; from += 1000 {
		rows := make([]store.Registrant, 0, 1000)
		for i := from; i < from+1000; i++ {
			rows = append(rows, store.Registrant{ID: store.NewID("reg"), WorkspaceID: owner.WorkspaceID, EventID: ev, SessionID: sesID,
				Email: fmt.Sprintf("fan%05d@example.com", i), PersonID: "per_seed", Fields: map[string]string{},
				Status: store.RegistrantApproved, CreatedAt: now, UpdatedAt: now})
		}
		if _, err := db.NewInsert().Model(&rows).Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	w := startWorker(sender)
	defer w.Stop()
	due := startsAt.Add(-time.Minute)
	waitFor(t, 10*time.Minute, "every reminder at the SMTP server", func() bool { n, _ := box.count("reminder"); return n >= people })
	_, last := box.count("reminder")
	took := last.Sub(due)
	iter := temporalClient.GetWorkflowHistory(ctx, workflows.SessionWorkflowID(sesID), "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	events := 0
	for iter.HasNext() {
		if _, err := iter.Next(); err != nil {
			t.Fatal(err)
		}
		events++
	}
	t.Logf("reminder fan-out: %d e-mails, the last %v after the reminder was due = %.0f e-mails/s; workflow history %d events",
		people, took.Round(time.Millisecond), float64(people)/took.Seconds(), events)
}
