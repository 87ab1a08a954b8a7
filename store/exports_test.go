package store_test

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

// CountExports counts one session's rows only, and someone who attended live twice, or a
// host, or a replay viewer, is not counted as another attendee.
func TestCountExportsCountsAttendeesOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		ev, ses := seedSession(t, db, store.EventSettings{}, 10)
		_, other := seedSession(t, db, store.EventSettings{}, 10)
		var regs []string
		for _, addr := range []string{"ann@count.test", "bob@count.test"} {
			reg, _, err := store.Register(ctx, db, store.Registration{Event: ev, Session: ses, Email: addr})
			if err != nil {
				t.Fatal(err)
			}
			regs = append(regs, reg.ID)
		}
		visit := func(s *store.Session, person, role, kind string) any {
			return &store.Attendance{ID: store.NewID("att"), WorkspaceID: s.WorkspaceID, SessionID: s.ID, PersonID: person,
				Role: role, Kind: kind, JoinedAt: store.Now()}
		}
		chat := func(s *store.Session) any {
			return &store.ChatMessage{ID: store.NewID("msg"), WorkspaceID: s.WorkspaceID, SessionID: s.ID, PersonID: regs[0],
				Role: "participant", Text: "hello", CreatedAt: store.Now()}
		}
		for _, row := range []any{
			visit(ses, regs[0], "participant", store.AttendanceLive),
			visit(ses, regs[0], "participant", store.AttendanceLive), // a reconnect
			visit(ses, regs[1], "participant", store.AttendanceReplay),
			visit(ses, "mem_host", "host", store.AttendanceLive),
			visit(other, regs[1], "participant", store.AttendanceLive),
			chat(ses), chat(ses), chat(other),
		} {
			if _, err := db.NewInsert().Model(row).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		got, err := store.CountExports(ctx, db, ses.ID)
		want := store.ExportCounts{Registrants: 2, Attended: 1, Messages: 2}
		if err != nil || got != want {
			t.Fatalf("counts %+v, %v; want %+v", got, err, want)
		}
	})
}
