package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

// A company page lists only published events with a session not over, once each, by their
// next session; another workspace's events never appear.
func TestUpcomingPublishedEvents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		ws := store.NewWorkspace("Company", "free")
		other := store.NewWorkspace("Other", "free")
		insert := func(rows ...any) {
			t.Helper()
			for _, row := range rows {
				if _, err := db.NewInsert().Model(row).Exec(ctx); err != nil {
					t.Fatal(err)
				}
			}
		}
		insert(ws, other)
		base := time.Now().Add(24 * time.Hour).UTC().Truncate(time.Second)
		// event creates an event of workspace w, published or not, with sessions (start offset
		// in hours → status).
		event := func(w *store.Workspace, title string, published bool, sessions map[int]string) *store.Event {
			t.Helper()
			ev := store.NewEvent(w.ID, title, "", store.EventSettings{}, "usr_1")
			if published {
				now := store.Now()
				ev.PublishedAt = &now
			}
			insert(ev)
			for in, status := range sessions {
				insert(&store.Session{ID: store.NewID("ses"), WorkspaceID: w.ID, EventID: ev.ID, StartsAt: base.Add(time.Duration(in) * time.Hour),
					DurationMinutes: 60, Timezone: "Europe/Paris", Status: status, Capacity: 10, CreatedAt: store.Now(), UpdatedAt: store.Now()})
			}
			return ev
		}
		later := event(ws, "Later", true, map[int]string{5: store.SessionScheduled, 9: store.SessionScheduled})
		live := event(ws, "Live now", true, map[int]string{-25: store.SessionLive, 1: store.SessionScheduled})
		// Its first session was cancelled: the next is the one that counts.
		soon := event(ws, "Soon", true, map[int]string{0: store.SessionCancelled, 2: store.SessionOpen})
		event(ws, "Draft", false, map[int]string{1: store.SessionScheduled})
		event(ws, "Over", true, map[int]string{-48: store.SessionEnded, -30: store.SessionProcessed, 3: store.SessionCancelled})
		event(ws, "No sessions", true, nil)
		event(other, "Elsewhere", true, map[int]string{1: store.SessionScheduled})

		list := func(offset, limit int) (titles []string, next []time.Time) {
			t.Helper()
			got, err := store.UpcomingPublishedEvents(ctx, db, ws.ID, offset, limit)
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range got {
				titles = append(titles, u.Event.Title)
				next = append(next, u.Next.StartsAt.UTC())
			}
			return titles, next
		}
		titles, next := list(0, 10)
		if want := []string{live.Title, soon.Title, later.Title}; !slices.Equal(titles, want) {
			t.Fatalf("listed %v, want %v", titles, want)
		}
		if want := []time.Time{base.Add(-25 * time.Hour), base.Add(2 * time.Hour), base.Add(5 * time.Hour)}; !slices.EqualFunc(next, want, time.Time.Equal) {
			t.Errorf("next sessions %v, want %v", next, want)
		}
		if titles, _ := list(1, 1); !slices.Equal(titles, []string{soon.Title}) {
			t.Errorf("second page of one: %v", titles)
		}
		if titles, _ := list(3, 10); len(titles) != 0 {
			t.Errorf("past the end: %v", titles)
		}
	})
}
