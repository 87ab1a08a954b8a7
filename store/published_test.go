package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

// The public page finds an event by slug only once published, and lists its sessions still
// ahead or live, soonest first, up to the limit.
func TestPublishedEventAndItsPublicSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		ev, first := seedSession(t, db, store.EventSettings{}, 10)
		if _, err := store.PublishedEventBySlug(ctx, db, ev.Slug); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unpublished event found by slug: %v", err)
		}
		now := store.Now()
		ev.PublishedAt = &now
		if err := store.Update(ctx, db, ev, "published_at"); err != nil {
			t.Fatal(err)
		}
		if got, err := store.PublishedEventBySlug(ctx, db, ev.Slug); err != nil || got.ID != ev.ID {
			t.Fatalf("published event by slug: %+v, %v", got, err)
		}

		add := func(in time.Duration, status string) string {
			ses := *first
			ses.ID, ses.StartsAt, ses.Status = store.NewID("ses"), first.StartsAt.Add(in), status
			if err := store.Insert(ctx, db, &ses); err != nil {
				t.Fatal(err)
			}
			return ses.ID
		}
		later := add(2*time.Hour, store.SessionOpen)
		sooner := add(-30*time.Minute, store.SessionLive)
		add(time.Hour, store.SessionEnded)
		add(time.Hour, store.SessionCancelled)
		for _, c := range []struct {
			limit int
			want  []string
		}{{10, []string{sooner, first.ID, later}}, {2, []string{sooner, first.ID}}} {
			sessions, err := store.PublicSessions(ctx, db, ev.ID, c.limit)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range sessions {
				got = append(got, s.ID)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("public sessions (limit %d) %v, want %v", c.limit, got, c.want)
			}
		}
	})
}
