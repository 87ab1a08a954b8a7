package activities_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/activities"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

// roomSession is a session with two registrants and a little of everything a live leaves.
type roomSession struct {
	ses  *store.Session
	regs []*store.Registrant
}

func seedRoomSession(t *testing.T, db *bun.DB, ws *store.Workspace, ev *store.Event) roomSession {
	t.Helper()
	ctx := context.Background()
	now := store.Now()
	ses := &store.Session{ID: store.NewID("ses"), WorkspaceID: ws.ID, EventID: ev.ID, StartsAt: now.Add(-time.Hour), DurationMinutes: 30,
		Timezone: "UTC", Status: store.SessionLive, Capacity: 10, CreatedAt: now, UpdatedAt: now}
	if err := store.Insert(ctx, db, ses); err != nil {
		t.Fatal(err)
	}
	rs := roomSession{ses: ses}
	for _, name := range []string{"Ann", "Bob"} {
		reg, _, err := store.Register(ctx, db, store.Registration{Event: ev, Session: ses, ByOrganizer: true,
			Email: strings.ToLower(name) + "-" + store.NewSecret(3) + "@example.com", Name: name, Fields: map[string]string{"company": "Acme"}})
		if err != nil {
			t.Fatal(err)
		}
		rs.regs = append(rs.regs, reg)
	}
	if _, err := db.NewUpdate().Model(ses).Set("status = ?", store.SessionProcessed).WherePK().Exec(ctx); err != nil {
		t.Fatal(err)
	}
	rows := []any{
		&store.Attendance{ID: store.NewID("att"), WorkspaceID: ws.ID, SessionID: ses.ID, PersonID: rs.regs[0].ID, Role: "participant",
			Name: "Ann", Kind: store.AttendanceLive, JoinedAt: now.Add(-time.Hour)},
		&store.ChatMessage{ID: store.NewID("msg"), WorkspaceID: ws.ID, SessionID: ses.ID, PersonID: rs.regs[0].ID, Name: "Ann", Role: "participant", Text: "hi", CreatedAt: now},
		&store.Question{ID: store.NewID("qst"), WorkspaceID: ws.ID, SessionID: ses.ID, PersonID: rs.regs[1].ID, Name: "Bob", Text: "why?", CreatedAt: now},
		&store.Poll{ID: store.NewID("pol"), WorkspaceID: ws.ID, SessionID: ses.ID, Question: "Yes?", Options: []string{"yes", "no"}, Status: store.PollClosed, CreatedBy: "mem_1", CreatedAt: now},
		&store.PollVote{ID: store.NewID("vot"), WorkspaceID: ws.ID, SessionID: ses.ID, PollID: "pol_x", PersonID: rs.regs[1].ID, Name: "Bob", CreatedAt: now},
		&store.RoomEvent{ID: store.NewID("rev"), WorkspaceID: ws.ID, SessionID: ses.ID, Kind: "reaction", Data: map[string]string{}, CreatedAt: now},
		&store.Recording{ID: store.NewID("rec"), WorkspaceID: ws.ID, SessionID: ses.ID, Status: store.RecordingReady, File: "x.webm", CreatedAt: now, UpdatedAt: now},
	}
	for _, row := range rows {
		if _, err := db.NewInsert().Model(row).Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	return rs
}

func roomRows(t *testing.T, db *bun.DB, sessionID string) int {
	t.Helper()
	total := 0
	for _, model := range store.RoomTables() {
		n, err := db.NewSelect().Model(model).Where("session_id = ?", sessionID).Count(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		total += int(n)
	}
	return total
}

// Retention erases one session's room content, recording row and registrants' personal data,
// logs it, and leaves the other session of the same event exactly as it was.
func TestEraseSessionDataTouchesOnlyThatSession(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		ws := store.NewWorkspace("Retention", "free")
		ev := store.NewEvent(ws.ID, "Talk", "", store.EventSettings{CustomFields: []string{"company"}}, "usr_1")
		for _, row := range []any{ws, ev} {
			if _, err := db.NewInsert().Model(row).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		old, kept := seedRoomSession(t, db, ws, ev), seedRoomSession(t, db, ws, ev)
		keptRows := roomRows(t, db, kept.ses.ID)
		acts := &activities.Activities{DB: db, Log: slog.New(slog.DiscardHandler)}

		res, err := acts.EraseSessionData(ctx, activities.EraseSessionDataInput{SessionID: old.ses.ID, RetentionDays: 30})
		if err != nil || res.Registrants != 2 {
			t.Fatalf("erase: %+v, %v", res, err)
		}
		if n := roomRows(t, db, old.ses.ID); n != 0 {
			t.Fatalf("%d room rows left in the erased session", n)
		}
		if _, err := store.RecordingOf(ctx, db, old.ses.ID); err == nil {
			t.Fatal("the erased session's recording row is still there")
		}
		for _, reg := range old.regs {
			got, err := store.Get[store.Registrant](ctx, db, ws.ID, reg.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != "" || got.Email == reg.Email || !strings.HasSuffix(got.Email, "@"+store.ErasedEmailDomain) ||
				len(got.Fields) != 0 || got.LinkVersion == reg.LinkVersion || got.PersonID != "" {
				t.Fatalf("registrant not anonymized: %+v", got)
			}
			links := store.LinkKey("activities test link key, 32 chars or more")
			if _, err := store.RegistrantByLink(ctx, db, links, store.LinkJoin, links.Secret(store.LinkJoin, reg.ID, reg.LinkVersion)); err == nil {
				t.Fatal("the erased registrant's personal link still works")
			}
		}
		if n := roomRows(t, db, kept.ses.ID); n != keptRows {
			t.Fatalf("the other session lost room rows: %d, had %d", n, keptRows)
		}
		for _, reg := range kept.regs {
			got, err := store.Get[store.Registrant](ctx, db, ws.ID, reg.ID)
			if err != nil || got.Email != reg.Email || got.Name != reg.Name || got.Fields["company"] != "Acme" || got.LinkVersion != reg.LinkVersion {
				t.Fatalf("the other session's registrant changed: %+v, %v", got, err)
			}
		}
		var audit []store.AuditEntry
		if err := db.NewSelect().Model(&audit).Where("workspace_id = ?", ws.ID).Scan(ctx); err != nil {
			t.Fatal(err)
		}
		if len(audit) != 1 || audit[0].Action != activities.RetentionAction || audit[0].Object != "session:"+old.ses.ID {
			t.Fatalf("audit log %+v", audit)
		}
	})
}
