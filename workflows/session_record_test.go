package workflows_test

import (
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/onairhq/onair/activities"
	"github.com/onairhq/onair/mail"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
	onairworker "github.com/onairhq/onair/worker"
	"github.com/onairhq/onair/workflows"
)

// TestRecordSessionLifecycleHistory runs a short session on the embedded
// server (reminder, reschedule, automatic start, a host's stop, the post-live
// chain of version 1 without a media node) and saves its
// history; it runs only when asked to.
func TestRecordSessionLifecycleHistory(t *testing.T) {
	db := storetest.SQLite(t)
	sender, err := mail.NewFileSender(t.TempDir(), "onair <noreply@onair.test>")
	if err != nil {
		t.Fatal(err)
	}
	ctx, c := startRecording(t, &activities.Activities{DB: db, Mail: sender})
	ws := store.NewWorkspace("Recorded", "free")
	ev := store.NewEvent(ws.ID, "Recorded session", "", store.EventSettings{}, "usr_recorder")
	start := time.Now().Add(65 * time.Second).UTC().Truncate(time.Second)
	ses := &store.Session{ID: store.NewID("ses"), WorkspaceID: ws.ID, EventID: ev.ID, StartsAt: start, DurationMinutes: 10,
		Timezone: "Europe/Paris", Status: store.SessionScheduled, Capacity: 10, CreatedAt: store.Now(), UpdatedAt: store.Now()}
	for _, row := range []any{ws, ev, ses} {
		if _, err := db.NewInsert().Model(row).Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.SessionWorkflowID(ses.ID), TaskQueue: onairworker.TaskQueue},
		workflows.SessionLifecycle, workflows.SessionLifecycleInput{
			SessionID: ses.ID, WorkspaceID: ws.ID, EventID: ev.ID, Title: ev.Title, StartsAt: start, DurationMinutes: 10,
			Timezone: "Europe/Paris", ReminderOffsetsMinutes: []int{1}, AutoStart: true, MaxDuration: 20 * time.Minute,
		})
	if err != nil {
		t.Fatal(err)
	}
	moved := start.Add(5 * time.Second)
	h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: run.GetID(), UpdateName: workflows.RescheduleUpdate,
		Args: []any{workflows.RescheduleRequest{StartsAt: moved, DurationMinutes: 10, Timezone: "Europe/Paris"}}, WaitForStage: client.WorkflowUpdateStageCompleted})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Get(ctx, nil); err != nil {
		t.Fatal(err)
	}
	for {
		v, err := c.QueryWorkflow(ctx, run.GetID(), "", workflows.StatusQuery)
		if err != nil {
			t.Fatal(err)
		}
		var st workflows.SessionState
		if err := v.Get(&st); err != nil {
			t.Fatal(err)
		}
		if st.Status == store.SessionLive {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	h, err = c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: run.GetID(), UpdateName: workflows.StopUpdate,
		Args: []any{workflows.StopRequest{By: "usr_recorder"}}, WaitForStage: client.WorkflowUpdateStageCompleted})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Get(ctx, nil); err != nil {
		t.Fatal(err)
	}
	var res workflows.SessionLifecycleResult
	if err := run.Get(ctx, &res); err != nil || res.Status != store.SessionProcessed {
		t.Fatalf("result %+v, %v", res, err)
	}
	saveHistory(ctx, t, c, run, "session_lifecycle_v2.json")
}
