package main

import (
	"bytes"
	"context"
	"log/slog"
	"net/mail"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"github.com/onairhq/onair/devserver"
	"github.com/onairhq/onair/mail/mailtest"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
	"github.com/onairhq/onair/worker"
	"github.com/onairhq/onair/workflows"
)

// TestWorkerKilledMidBatchSendsOneMessageIDPerDelivery cancels a session with 300
// registrants, kills its worker process with SIGKILL once a third of the notices reached
// a real SMTP server, and starts another worker. Claim → send → mark is at-least-once, so
// what was in flight is sent again; every copy of one delivery must carry the same
// Message-ID (mail clients fold them), and every delivery must arrive.
func TestWorkerKilledMidBatchSendsOneMessageIDPerDelivery(t *testing.T) {
	const registrants, killAt = 300, 100
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	db := storetest.Postgres(t)
	quiet := slog.New(slog.DiscardHandler)
	temporal, err := devserver.Start(ctx, devserver.Options{
		FrontendAddress: "127.0.0.1:0", SearchAttributes: workflows.SearchAttributes(), Logger: quiet,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer temporal.Stop()

	killNow := make(chan struct{})
	var once sync.Once
	box := &mailtest.Backend{}
	box.Accepted = func(mailtest.Received) {
		if len(box.Messages()) >= killAt {
			once.Do(func() { close(killNow) })
		}
	}
	smtpAddr, _ := mailtest.Start(t, box, mailtest.Plain)
	env := []string{
		"DATABASE_URL=" + storetest.PostgresURLOf(t, db), "TEMPORAL_ADDRESS=" + temporal.FrontendAddress(),
		"TEMPORAL_NAMESPACE=" + devserver.DefaultNamespace, "SMTP_URL=smtp://" + smtpAddr + "?tls=none",
		"ONAIR_MAIL_FROM=onair <noreply@onair.test>", "ONAIR_METRICS_ADDR=127.0.0.1:0", "ONAIR_LOG_LEVEL=warn",
		"ONAIR_DATA_DIR=" + t.TempDir(), "ONAIR_PUBLIC_URL=http://onair.test", "ONAIR_LINK_KEY=" + store.NewSecret(40),
	}
	ses := seedSession(t, ctx, db, registrants)

	tc, err := client.Dial(client.Options{HostPort: temporal.FrontendAddress(), Logger: sdklog.NewStructuredLogger(quiet)})
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	first := startWorkerProcess(t, env)
	run, err := tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.SessionWorkflowID(ses.ID), TaskQueue: worker.TaskQueue},
		workflows.SessionLifecycle, workflows.SessionLifecycleInput{
			SessionID: ses.ID, WorkspaceID: ses.WorkspaceID, EventID: ses.EventID, Title: "Crash course",
			StartsAt: ses.StartsAt, DurationMinutes: ses.DurationMinutes, Timezone: ses.Timezone,
		})
	if err != nil {
		t.Fatal(err)
	}
	_, err = tc.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: run.GetID(), UpdateName: workflows.CancelUpdate, Args: []any{workflows.CancelRequest{By: "test"}},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err != nil {
		t.Fatalf("cancel the session: %v", err)
	}
	select {
	case <-killNow:
	case <-ctx.Done():
		t.Fatalf("the first worker sent %d notices, never %d", len(box.Messages()), killAt)
	}
	first.kill(t)
	atKill := len(box.Messages())
	if atKill >= registrants {
		t.Fatalf("the whole batch (%d messages) left before the kill: nothing was in the middle", atKill)
	}
	startWorkerProcess(t, env)
	if err := run.Get(ctx, nil); err != nil {
		t.Fatalf("session workflow after the restart: %v", err)
	}

	received := messageIDsByRecipient(t, box.Messages())
	deliveries := sessionDeliveries(t, ctx, db, ses, "cancellation")
	if len(deliveries) != registrants {
		t.Fatalf("%d cancellation deliveries, want %d", len(deliveries), registrants)
	}
	copies := 0
	for _, d := range deliveries {
		reg, err := store.Get[store.Registrant](ctx, db, ses.WorkspaceID, d.RecipientID)
		if err != nil {
			t.Fatal(err)
		}
		ids := received[reg.Email]
		distinct := map[string]bool{}
		for _, id := range ids {
			distinct[id] = true
		}
		want := "<" + d.ID + "@onair.test>"
		if len(ids) == 0 || len(distinct) != 1 || !distinct[want] || d.SentAt == nil {
			t.Errorf("delivery %s to %s: Message-IDs %v, sent at %v; want %s at least once and nothing else, marked sent",
				d.ID, reg.Email, ids, d.SentAt, want)
		}
		copies += len(ids)
	}
	t.Logf("killed after %d of %d notices had been received; %d sent again after the kill (same Message-ID)",
		atKill, registrants, copies-registrants)
}

// seedSession stores a workspace, an event and a session tomorrow with n approved registrants.
func seedSession(t *testing.T, ctx context.Context, db *bun.DB, n int) *store.Session {
	t.Helper()
	ws := store.NewWorkspace("Crash Test", "business")
	if err := store.Insert(ctx, db, ws); err != nil {
		t.Fatal(err)
	}
	ev := store.NewEvent(ws.ID, "Crash course", "", store.EventSettings{}, "usr_test")
	if err := store.Insert(ctx, db, ev); err != nil {
		t.Fatal(err)
	}
	now := store.Now()
	ses := &store.Session{
		ID: store.NewID("ses"), WorkspaceID: ws.ID, EventID: ev.ID, StartsAt: now.Add(24 * time.Hour).Truncate(time.Minute),
		DurationMinutes: 30, Timezone: "Europe/Paris", Status: store.SessionScheduled, Capacity: n, CreatedAt: now, UpdatedAt: now,
	}
	if err := store.Insert(ctx, db, ses); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		r := store.Registration{Event: ev, Session: ses, Email: "person" + strconv.Itoa(i) + "@example.com", Name: "Person " + strconv.Itoa(i)}
		if _, _, err := store.Register(ctx, db, r); err != nil {
			t.Fatal(err)
		}
	}
	return ses
}

// sessionDeliveries lists the session's deliveries of one kind.
func sessionDeliveries(t *testing.T, ctx context.Context, db *bun.DB, ses *store.Session, kind string) []store.Delivery {
	t.Helper()
	var all []store.Delivery
	page := store.Page{Limit: store.MaxPageLimit}
	for {
		rows, next, err := store.List[store.Delivery](ctx, db, ses.WorkspaceID, page, func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("session_id = ?", ses.ID).Where("kind = ?", kind)
		})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, rows...)
		if next == "" {
			return all
		}
		page.After = next
	}
}

// messageIDsByRecipient reads the Message-ID of every received message, by recipient.
func messageIDsByRecipient(t *testing.T, msgs []mailtest.Received) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, m := range msgs {
		parsed, err := mail.ReadMessage(bytes.NewReader(m.Data))
		if err != nil {
			t.Fatalf("received message does not parse: %v", err)
		}
		for _, to := range m.To {
			out[to] = append(out[to], parsed.Header.Get("Message-Id"))
		}
	}
	return out
}

// onairProcess is an onair subcommand (`onair worker`, `onair media`) running as a process
// of its own.
type onairProcess struct {
	cmd    *exec.Cmd
	output *bytes.Buffer
	exited chan struct{} // closed once the process is gone
}

// startWorkerProcess runs `onair worker` as a process of its own (startOnairProcess).
func startWorkerProcess(t *testing.T, env []string) *onairProcess {
	t.Helper()
	return startOnairProcess(t, "worker", env)
}

// startOnairProcess runs `onair <command>` (this test binary, re-executed) with env added to
// the test's environment; it is killed when the test ends, its output logged if it failed.
// The process's output is logged only after it exited, so reading it races nothing.
func startOnairProcess(t *testing.T, command string, env []string) *onairProcess {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(append(os.Environ(), env...), runAsEnv+"="+command)
	w := &onairProcess{cmd: cmd, output: &bytes.Buffer{}, exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = w.output, w.output
	if err := cmd.Start(); err != nil {
		t.Fatalf("start onair %s: %v", command, err)
	}
	go func() { _ = cmd.Wait(); close(w.exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-w.exited
		if t.Failed() {
			t.Logf("onair %s (pid %d) output:\n%s", command, cmd.Process.Pid, w.output)
		}
	})
	return w
}

// kill is kill -9: the process gets no chance to finish or report anything.
func (w *onairProcess) kill(t *testing.T) {
	t.Helper()
	if err := w.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatalf("kill pid %d: %v", w.cmd.Process.Pid, err)
	}
	select {
	case <-w.exited:
	case <-time.After(30 * time.Second):
		t.Fatalf("pid %d still running 30 s after SIGKILL", w.cmd.Process.Pid)
	}
}
