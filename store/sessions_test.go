package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

// A larger capacity reaches only the sessions not over yet and lets their waitlist in.
func TestResizeEventSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		ev, ses := seedSession(t, db, store.EventSettings{Waitlist: true}, 1)
		ended := *ses
		ended.ID, ended.Status = store.NewID("ses"), store.SessionEnded
		if err := store.Insert(ctx, db, &ended); err != nil {
			t.Fatal(err)
		}
		for _, addr := range []string{"a@example.com", "b@example.com", "c@example.com"} {
			if _, _, err := store.Register(ctx, db, store.Registration{Event: ev, Session: ses, Email: addr, JoinWaitlist: true}); err != nil {
				t.Fatal(err)
			}
		}
		promoted, err := store.ResizeEventSessions(ctx, db, ev.ID, 2)
		if err != nil || promoted != 1 {
			t.Fatalf("promoted %d (%v), want 1", promoted, err)
		}
		sessions, err := store.EventSessions(ctx, db, ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int{ses.ID: 2, ended.ID: 1}
		for _, s := range sessions {
			if s.Capacity != want[s.ID] {
				t.Errorf("session %s (%s) has capacity %d, want %d", s.ID, s.Status, s.Capacity, want[s.ID])
			}
		}
		if len(sessions) != len(want) {
			t.Fatalf("%d sessions, want %d", len(sessions), len(want))
		}
	})
}

// Going live stamps started_at and ending stamps ended_at, at the time the workflow gave.
func TestSetSessionStatusStampsTimes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		_, ses := seedSession(t, db, store.EventSettings{}, 10)
		start := time.Date(2030, 1, 2, 10, 0, 0, 0, time.UTC)
		end := start.Add(45 * time.Minute)
		for _, step := range []struct {
			status string
			at     time.Time
		}{{store.SessionLive, start}, {store.SessionEnded, end}} {
			if err := store.SetSessionStatus(ctx, db, ses.ID, step.status, step.at); err != nil {
				t.Fatal(err)
			}
		}
		got, err := store.SessionByID(ctx, db, ses.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != store.SessionEnded || got.StartedAt == nil || !got.StartedAt.Equal(start) || got.EndedAt == nil || !got.EndedAt.Equal(end) {
			t.Fatalf("session %s started %v ended %v, want ended, %v and %v", got.Status, got.StartedAt, got.EndedAt, start, end)
		}
	})
}

// A registration reads its session and event in one statement, on both dialects; an unknown
// session is ErrNotFound.
func TestSessionAndEvent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		ev, ses := seedSession(t, db, store.EventSettings{Approval: true, CustomFields: []string{"company"}}, 7)
		gotSes, gotEv, err := store.SessionAndEvent(ctx, db, ses.ID)
		if err != nil {
			t.Fatal(err)
		}
		if gotSes.ID != ses.ID || gotSes.EventID != ev.ID || gotSes.Capacity != 7 || gotSes.WorkspaceID != ses.WorkspaceID || gotSes.Status != ses.Status {
			t.Errorf("session %+v, want %+v", gotSes, ses)
		}
		if gotEv.ID != ev.ID || gotEv.Title != ev.Title || gotEv.WorkspaceID != ev.WorkspaceID || !gotEv.Settings.Approval ||
			len(gotEv.Settings.CustomFields) != 1 || (gotEv.PublishedAt == nil) != (ev.PublishedAt == nil) {
			t.Errorf("event %+v, want %+v", gotEv, ev)
		}
		if _, _, err := store.SessionAndEvent(ctx, db, store.NewID("ses")); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown session: %v, want ErrNotFound", err)
		}
	})
}
