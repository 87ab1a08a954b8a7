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

// The room repository on both databases: a re-vote replaces the first, a block holds until
// the latest unblock, a visit is ended once.
func TestRoomRepository(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		at := store.Now()
		for _, option := range []int{1, 2} {
			v := &store.PollVote{ID: store.NewID("vote"), WorkspaceID: "ws", SessionID: "ses", PollID: "poll", PersonID: "reg", Option: option, CreatedAt: at}
			if err := store.SavePollVote(ctx, db, v); err != nil {
				t.Fatal(err)
			}
		}
		var votes []store.PollVote
		if err := db.NewSelect().Model(&votes).Scan(ctx); err != nil || len(votes) != 1 || votes[0].Option != 2 {
			t.Fatalf("votes %+v, %v: want the second answer only", votes, err)
		}

		blocked := func() bool {
			b, err := store.BlockedInRoom(ctx, db, "ses", "reg")
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		if blocked() {
			t.Fatal("blocked before any block")
		}
		for _, kind := range []string{store.RoomEventBlock, store.RoomEventUnblock, store.RoomEventBlock} {
			ev := &store.RoomEvent{ID: store.NewID("rev"), WorkspaceID: "ws", SessionID: "ses", Kind: kind, TargetID: "reg", Data: map[string]string{}, CreatedAt: at}
			if err := store.Insert(ctx, db, ev); err != nil {
				t.Fatal(err)
			}
			if got := blocked(); got != (kind == store.RoomEventBlock) {
				t.Fatalf("after %s: blocked %v", kind, got)
			}
		}

		a := &store.Attendance{ID: store.NewID("att"), WorkspaceID: "ws", SessionID: "ses", PersonID: "reg", Role: "participant", Kind: store.AttendanceLive, JoinedAt: at}
		if err := store.Insert(ctx, db, a); err != nil {
			t.Fatal(err)
		}
		if err := store.EndAttendance(ctx, db, a.ID, at.Add(time.Minute), 60); err != nil {
			t.Fatal(err)
		}
		if err := store.EndAttendance(ctx, db, a.ID, at.Add(time.Hour), 3600); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("ending a visit twice: %v, want ErrNotFound", err)
		}
		rows, err := store.SessionAttendance(ctx, db, "ses")
		if err != nil || len(rows) != 1 || rows[0].Seconds != 60 || rows[0].LeftAt == nil {
			t.Fatalf("attendance %+v, %v", rows, err)
		}
	})
}
