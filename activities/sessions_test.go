package activities_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"go.temporal.io/sdk/testsuite"

	"github.com/onairhq/onair/activities"
	"github.com/onairhq/onair/mail"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

// countingMail counts e-mails per recipient and kind.
type countingMail struct {
	mu     sync.Mutex
	counts map[string]int
}

func (c *countingMail) Send(_ context.Context, m mail.Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.counts[m.To[0]+" "+m.Headers["X-Onair-Kind"]]++
	return nil
}

// A late registrant misses the reminders already sent and gets the later
// ones; running a reminder again (a retry) sends nothing twice.
func TestRemindersLateRegistrantAndRetries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		ws := store.NewWorkspace("Reminders", "free")
		ev := store.NewEvent(ws.ID, "Talk", "", store.EventSettings{}, "usr_1")
		ses := &store.Session{ID: store.NewID("ses"), WorkspaceID: ws.ID, EventID: ev.ID, StartsAt: time.Now().Add(48 * time.Hour).UTC(),
			DurationMinutes: 10, Timezone: "Europe/Paris", Status: store.SessionScheduled, Capacity: 10, CreatedAt: store.Now(), UpdatedAt: store.Now()}
		for _, row := range []any{ws, ev, ses} {
			if _, err := db.NewInsert().Model(row).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		register := func(addr string) {
			if _, _, err := store.Register(ctx, db, store.Registration{Event: ev, Session: ses, Email: addr, ByOrganizer: true}); err != nil {
				t.Fatal(err)
			}
		}
		box := &countingMail{counts: map[string]int{}}
		var suite testsuite.WorkflowTestSuite
		env := suite.NewTestActivityEnvironment()
		acts := &activities.Activities{DB: db, Mail: box, Log: slog.New(slog.DiscardHandler)}
		env.RegisterActivity(acts)
		remind := func(offset int) {
			_, err := env.ExecuteActivity(acts.SendSessionMails, activities.SendSessionMailsInput{
				SessionID: ses.ID, MailKind: mail.KindReminder, DeliveryKind: fmt.Sprint("reminder:", offset),
				ReminderMinutes: offset, Statuses: []string{store.RegistrantApproved},
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		register("early@example.com")
		remind(1440)
		register("late@example.com")
		remind(60)
		remind(60) // a retry of the same reminder
		want := map[string]int{
			"early@example.com reminder": 2,
			"late@example.com reminder":  1,
		}
		for k, n := range want {
			if box.counts[k] != n {
				t.Errorf("%s: %d e-mails, want %d (all: %v)", k, box.counts[k], n, box.counts)
			}
		}
	})
}
