package workflows_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"

	"github.com/onairhq/onair/activities"
	"github.com/onairhq/onair/mail"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
	"github.com/onairhq/onair/workflows"
)

// A whole SessionLifecycle on the real activities and store, with the workflow clock skipped
// through a 30-day retention: the session's chat and its registrant's personal data are gone
// afterwards, with an audit entry, and the event's other session is untouched.
func TestRetentionTimerErasesOnlyItsSession(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	sender, err := mail.NewFileSender(t.TempDir(), "onair <noreply@onair.test>")
	if err != nil {
		t.Fatal(err)
	}
	ws := store.NewWorkspace("Retention", "free")
	ws.Settings.RetentionDays = 30
	ev := store.NewEvent(ws.ID, "Kept a month", "", store.EventSettings{}, "usr_1")
	start := time.Now().UTC().Truncate(time.Second).Add(10 * time.Minute)
	var sessions []*store.Session
	var regs []*store.Registrant
	for range 2 {
		ses := &store.Session{ID: store.NewID("ses"), WorkspaceID: ws.ID, EventID: ev.ID, StartsAt: start, DurationMinutes: 15,
			Timezone: "UTC", Status: store.SessionScheduled, Capacity: 10, CreatedAt: store.Now(), UpdatedAt: store.Now()}
		sessions = append(sessions, ses)
	}
	for _, row := range []any{ws, ev, sessions[0], sessions[1]} {
		if _, err := db.NewInsert().Model(row).Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for _, ses := range sessions {
		reg, _, err := store.Register(ctx, db, store.Registration{Event: ev, Session: ses, ByOrganizer: true, Email: "ann-" + ses.ID + "@example.com", Name: "Ann"})
		if err != nil {
			t.Fatal(err)
		}
		regs = append(regs, reg)
		msg := &store.ChatMessage{ID: store.NewID("msg"), WorkspaceID: ws.ID, SessionID: ses.ID, PersonID: reg.ID, Name: "Ann",
			Role: "participant", Text: "hello", CreatedAt: store.Now()}
		if _, err := db.NewInsert().Model(msg).Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}

	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.RegisterActivity(&activities.Activities{DB: db, Mail: sender, Log: slog.New(slog.DiscardHandler)})
	env.SetStartTime(start.Add(-5 * time.Minute))
	var refused error
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(workflows.StartUpdate, "start", &testsuite.TestUpdateCallback{
			OnReject: func(err error) { refused = err }, OnAccept: func() {}, OnComplete: func(any, error) {}}, workflows.StartRequest{})
	}, 5*time.Minute)
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(workflows.StopUpdate, "stop", &testsuite.TestUpdateCallback{
			OnReject: func(err error) { refused = err }, OnAccept: func() {}, OnComplete: func(any, error) {}}, workflows.StopRequest{})
	}, 20*time.Minute)
	env.ExecuteWorkflow(workflows.SessionLifecycle, workflows.SessionLifecycleInput{
		SessionID: sessions[0].ID, WorkspaceID: ws.ID, EventID: ev.ID, Title: ev.Title, StartsAt: start, DurationMinutes: 15, Timezone: "UTC",
	})
	if err := env.GetWorkflowError(); err != nil || refused != nil {
		t.Fatal(err, refused)
	}
	if elapsed := env.Now().Sub(start); elapsed < 30*24*time.Hour {
		t.Fatalf("the workflow ended %v after the start, before the retention period", elapsed)
	}

	erased, err := store.Get[store.Registrant](ctx, db, ws.ID, regs[0].ID)
	if err != nil || erased.Name != "" || erased.Email == regs[0].Email || erased.LinkVersion == regs[0].LinkVersion {
		t.Fatalf("registrant of the erased session: %+v, %v", erased, err)
	}
	kept, err := store.Get[store.Registrant](ctx, db, ws.ID, regs[1].ID)
	if err != nil || kept.Name != "Ann" || kept.Email != regs[1].Email || kept.LinkVersion != regs[1].LinkVersion {
		t.Fatalf("registrant of the other session: %+v, %v", kept, err)
	}
	for i, want := range []int{0, 1} {
		n, err := db.NewSelect().Model((*store.ChatMessage)(nil)).Where("session_id = ?", sessions[i].ID).Count(ctx)
		if err != nil || int(n) != want {
			t.Fatalf("session %d has %d chat lines, want %d (%v)", i, n, want, err)
		}
	}
	n, err := db.NewSelect().Model((*store.AuditEntry)(nil)).Where("workspace_id = ?", ws.ID).
		Where("action = ?", activities.RetentionAction).Where("object = ?", "session:"+sessions[0].ID).Count(ctx)
	if err != nil || n != 1 {
		t.Fatalf("%d retention audit entries, %v", n, err)
	}
}
