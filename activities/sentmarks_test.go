package activities

import (
	"context"
	"database/sql"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"go.temporal.io/sdk/testsuite"

	"github.com/onairhq/onair/mail"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

// Concurrent sends each find their delivery committed when mark returns, and share
// statements: the time between the server's 250 and the mark is not a queue of commits.
func TestSentMarksCommitBeforeReturningAndShareStatements(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		const sends = 100
		ids := make([]string, sends)
		for i := range ids {
			r := "reg_" + strconv.Itoa(i)
			claimed, err := store.ClaimDeliveries(ctx, db, "ws_1", "ses_1", "reminder:60", []string{r})
			if err != nil {
				t.Fatal(err)
			}
			ids[i] = claimed[r]
		}
		updates := &storetest.Queries{}
		db.AddQueryHook(updates)
		marks := startMarking(ctx, db)
		var wg sync.WaitGroup
		for _, id := range ids {
			wg.Go(func() {
				if err := marks.mark(store.DeliveryOutcome{ID: id}); err != nil {
					t.Error(err)
					return
				}
				var sentAt sql.NullTime
				if err := db.NewSelect().Model((*store.Delivery)(nil)).Column("sent_at").Where("id = ?", id).Scan(ctx, &sentAt); err != nil || !sentAt.Valid {
					t.Errorf("delivery %s after mark returned: sent_at %v (%v)", id, sentAt, err)
				}
			})
		}
		wg.Wait()
		marks.stop()
		if n := updates.Count("UPDATE"); n >= sends {
			t.Errorf("%d UPDATE statements for %d concurrent marks, want them shared", n, sends)
		}
	})
}

// sentBeforeSend is a mail sender that checks, as each send begins, how many e-mails
// already accepted are still unmarked: what a crash at that moment would send again.
type sentBeforeSend struct {
	db       *bun.DB
	accepted atomic.Int64
	mu       sync.Mutex
	worst    int64
}

func (s *sentBeforeSend) Send(ctx context.Context, _ mail.Message) error {
	accepted := s.accepted.Load()
	marked, err := s.db.NewSelect().Model((*store.Delivery)(nil)).Where("sent_at IS NOT NULL").Count(ctx)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.worst = max(s.worst, accepted-int64(marked))
	s.mu.Unlock()
	s.accepted.Add(1)
	return nil
}

// A fan-out never has more e-mails accepted but unmarked than sends in flight: each send
// waits for its mark before the next begins, so a crash re-sends at most sendsInFlight.
func TestFanOutKeepsUnmarkedSendsWithinSendsInFlight(t *testing.T) {
	db := storetest.Postgres(t)
	ctx := context.Background()
	ws := store.NewWorkspace("Marks", "business")
	ev := store.NewEvent(ws.ID, "Talk", "", store.EventSettings{}, "usr_1")
	ses := &store.Session{ID: store.NewID("ses"), WorkspaceID: ws.ID, EventID: ev.ID, StartsAt: time.Now().Add(48 * time.Hour).UTC(),
		DurationMinutes: 10, Timezone: "Europe/Paris", Status: store.SessionScheduled, Capacity: 500, CreatedAt: store.Now(), UpdatedAt: store.Now()}
	if err := store.Insert(ctx, db, ws); err != nil {
		t.Fatal(err)
	}
	if err := store.Insert(ctx, db, ev); err != nil {
		t.Fatal(err)
	}
	if err := store.Insert(ctx, db, ses); err != nil {
		t.Fatal(err)
	}
	for i := range 300 {
		r := store.Registration{Event: ev, Session: ses, Email: "p" + strconv.Itoa(i) + "@example.com", ByOrganizer: true}
		if _, _, err := store.Register(ctx, db, r); err != nil {
			t.Fatal(err)
		}
	}
	box := &sentBeforeSend{db: db}
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	acts := &Activities{DB: db, Mail: box, Log: slog.New(slog.DiscardHandler)}
	env.RegisterActivity(acts)
	_, err := env.ExecuteActivity(acts.SendSessionMails, SendSessionMailsInput{
		SessionID: ses.ID, MailKind: mail.KindReminder, DeliveryKind: "reminder:60", ReminderMinutes: 60, Statuses: []string{store.RegistrantApproved},
	})
	if err != nil {
		t.Fatal(err)
	}
	if box.accepted.Load() != 300 {
		t.Fatalf("%d e-mails sent, want 300", box.accepted.Load())
	}
	if box.worst > sendsInFlight {
		t.Errorf("up to %d e-mails accepted and unmarked at once, want at most %d", box.worst, sendsInFlight)
	}
}
