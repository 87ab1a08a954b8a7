package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

func seedSession(t *testing.T, db *bun.DB, settings store.EventSettings, capacity int) (*store.Event, *store.Session) {
	t.Helper()
	ctx := context.Background()
	ws := store.NewWorkspace("Seats", "free")
	ev := store.NewEvent(ws.ID, "Talk", "", settings, "usr_1")
	ses := &store.Session{ID: store.NewID("ses"), WorkspaceID: ws.ID, EventID: ev.ID, StartsAt: time.Now().Add(time.Hour).UTC(),
		DurationMinutes: 10, Timezone: "UTC", Status: store.SessionScheduled, Capacity: capacity, CreatedAt: store.Now(), UpdatedAt: store.Now()}
	for _, row := range []any{ws, ev, ses} {
		if _, err := db.NewInsert().Model(row).Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	return ev, ses
}

// Concurrent registrations never overfill a session: the rest wait in line,
// and each person is registered once whatever the retries.
func TestRegisterRespectsCapacityUnderConcurrency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		ev, ses := seedSession(t, db, store.EventSettings{Waitlist: true}, 5)
		var wg sync.WaitGroup
		for i := range 40 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				addr := fmt.Sprintf("p%d@example.com", i%20) // every person twice
				if _, _, err := store.Register(ctx, db, store.Registration{Event: ev, Session: ses, Email: addr, JoinWaitlist: true}); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		count := func(status string) int {
			n, err := db.NewSelect().Model((*store.Registrant)(nil)).Where("session_id = ?", ses.ID).Where("status = ?", status).Count(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return int(n)
		}
		if a, w := count(store.RegistrantApproved), count(store.RegistrantWaitlisted); a != 5 || w != 15 {
			t.Fatalf("%d approved, %d waitlisted; want 5 and 15", a, w)
		}
		people, _ := store.Count[store.Person](ctx, db, ses.WorkspaceID)
		if people != 20 {
			t.Fatalf("%d people, want 20", people)
		}
		// A seat freed promotes the first in line and queues their e-mail.
		var first store.Registrant
		if err := db.NewSelect().Model(&first).Where("session_id = ?", ses.ID).Where("status = ?", store.RegistrantApproved).Limit(1).Scan(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := store.SetRegistrantStatus(ctx, db, ses.WorkspaceID, first.ID, store.RegistrantCancelled, true); err != nil {
			t.Fatal(err)
		}
		if a, w := count(store.RegistrantApproved), count(store.RegistrantWaitlisted); a != 5 || w != 14 {
			t.Fatalf("after a cancel: %d approved, %d waitlisted; want 5 and 14", a, w)
		}
		promoted, _ := db.NewSelect().Model((*store.Delivery)(nil)).Where("kind = ?", store.DeliveryWaitlistPromotion).Count(ctx)
		if promoted != 1 {
			t.Fatalf("%d promotion e-mails queued, want 1", promoted)
		}
	})
}

func TestRegisterRefusesFullAndClosedSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		ev, ses := seedSession(t, db, store.EventSettings{}, 1)
		reg := func(addr string) error {
			_, _, err := store.Register(ctx, db, store.Registration{Event: ev, Session: ses, Email: addr, JoinWaitlist: true})
			return err
		}
		if err := reg("a@example.com"); err != nil {
			t.Fatal(err)
		}
		if err := reg("b@example.com"); !errors.Is(err, store.ErrSessionFull) {
			t.Fatalf("full session without a waitlist: %v", err)
		}
		if _, err := db.NewUpdate().Model((*store.Session)(nil)).Set("status = ?", store.SessionCancelled).Where("id = ?", ses.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if err := reg("c@example.com"); !errors.Is(err, store.ErrSessionClosed) {
			t.Fatalf("cancelled session: %v", err)
		}
	})
}
