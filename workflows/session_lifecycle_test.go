package workflows_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/testsuite"

	"github.com/onairhq/onair/activities"
	"github.com/onairhq/onair/store/storetest"
	"github.com/onairhq/onair/workflows"
)

// sessionEnv is a time-skipping environment whose activities record what the
// workflow asked and when (on the workflow's clock).
type sessionEnv struct {
	*testsuite.TestWorkflowEnvironment
	mu     sync.Mutex
	events []string // "HH:MM kind", in order
	seqs   []int    // sequences ApplyReschedule was given
	// finalizeFailures makes FinalizeRecording fail that many times before it succeeds.
	finalizeFailures int
	retentionDays    int
	// egressDir, when set, is the recordings folder the real ComposeReplay reads (its check
	// and composite); otherwise ComposeReplay answers a replay at once.
	egressDir string
}

func newSessionEnv(t *testing.T, now time.Time) *sessionEnv {
	var suite testsuite.WorkflowTestSuite
	env := &sessionEnv{TestWorkflowEnvironment: suite.NewTestWorkflowEnvironment()}
	env.SetStartTime(now)
	// The SDK's guard against a stuck test is 3 s of real time; a lifecycle with its post-live
	// chain took 3.25 s under CI's parallel packages. A stuck workflow still fails, later.
	env.SetTestTimeout(time.Minute)
	var acts *activities.Activities
	env.RegisterActivity(acts)
	record := func(what string) {
		env.mu.Lock()
		defer env.mu.Unlock()
		env.events = append(env.events, env.Now().UTC().Format("01-02 15:04")+" "+what)
	}
	env.OnActivity(acts.SendSessionMails, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.SendSessionMailsInput) (activities.SendSessionMailsResult, error) {
			if in.FollowUp != "" {
				record(in.DeliveryKind + ":" + in.FollowUp)
				return activities.SendSessionMailsResult{Sent: 1}, nil
			}
			record(in.DeliveryKind)
			return activities.SendSessionMailsResult{Sent: 1}, nil
		})
	env.OnActivity(acts.SetSessionStatus, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.SetSessionStatusInput) error {
			record(in.Status)
			return nil
		})
	env.OnActivity(acts.OpenRoom, mock.Anything, mock.Anything).Return(func(context.Context, activities.OpenRoomInput) error {
		record("room opened")
		return nil
	})
	env.OnActivity(acts.CloseRoom, mock.Anything, mock.Anything).Return(
		func(context.Context, activities.CloseRoomInput) (activities.CloseRoomResult, error) {
			record("room closed")
			return activities.CloseRoomResult{}, nil
		})
	env.OnActivity(acts.FinalizeRecording, mock.Anything, mock.Anything).Return(
		func(context.Context, activities.PostLiveInput) (activities.FinalizeRecordingResult, error) {
			env.mu.Lock()
			fail := env.finalizeFailures > 0
			env.finalizeFailures--
			env.mu.Unlock()
			if fail {
				record("finalize failed")
				return activities.FinalizeRecordingResult{}, errors.New("media node answered 503")
			}
			record("recording ready")
			return activities.FinalizeRecordingResult{Recorded: true}, nil
		})
	var egress *activities.Egress
	env.RegisterActivity(egress)
	env.OnActivity(egress.ComposeReplay, mock.Anything, mock.Anything).Return(
		func(ctx context.Context, in activities.ComposeReplayInput) (activities.ComposeReplayResult, error) {
			if env.egressDir != "" {
				real := &activities.Egress{RecordingsDir: env.egressDir, DB: storetest.SQLite(t), Log: slog.New(slog.DiscardHandler)}
				return real.ComposeReplay(ctx, in)
			}
			return activities.ComposeReplayResult{File: "replay.mp4", DurationMS: 1000}, nil
		})
	env.OnActivity(acts.ReplayReady, mock.Anything, mock.Anything).Return(nil)
	env.OnActivity(acts.SummarizeExports, mock.Anything, mock.Anything).Return(
		func(context.Context, activities.PostLiveInput) (activities.ExportsSummary, error) {
			record("exports")
			return activities.ExportsSummary{Registrants: 3}, nil
		})
	env.OnActivity(acts.Retention, mock.Anything, mock.Anything).Return(
		func(context.Context, activities.PostLiveInput) (activities.RetentionResult, error) {
			return activities.RetentionResult{Days: env.retentionDays}, nil
		})
	env.OnActivity(acts.EraseSessionData, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.EraseSessionDataInput) (activities.EraseSessionDataResult, error) {
			record(fmt.Sprintf("erased after %d days", in.RetentionDays))
			return activities.EraseSessionDataResult{}, nil
		})
	env.OnActivity(acts.ApplyReschedule, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.ApplyRescheduleInput) error {
			env.seqs = append(env.seqs, in.Sequence)
			record("rescheduled")
			return nil
		})
	return env
}

func (env *sessionEnv) want(t *testing.T, want ...string) {
	t.Helper()
	if !slices.Equal(env.events, want) {
		t.Fatalf("events:\n got %q\nwant %q", env.events, want)
	}
}

// update sends an update at delay and records whether it was refused.
func (env *sessionEnv) update(delay time.Duration, name string, arg any, refused *error) {
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(name, fmt.Sprint(name, delay), &testsuite.TestUpdateCallback{
			OnReject:   func(err error) { *refused = err },
			OnAccept:   func() {},
			OnComplete: func(any, error) {},
		}, arg)
	}, delay)
}

func input(start time.Time) workflows.SessionLifecycleInput {
	return workflows.SessionLifecycleInput{
		SessionID: "ses_1", WorkspaceID: "ws_1", EventID: "evt_1", Title: "Launch",
		StartsAt: start, DurationMinutes: 15, Timezone: "Europe/Paris",
		ReminderOffsetsMinutes: []int{1440, 60, 10}, MaxDuration: 20 * time.Minute,
	}
}

// A session at 09:00 Paris on the morning summer time begins: the day-before
// reminder is at 09:00 winter time (08:00 UTC), the others exact; it starts
// by itself and ends at the plan's 20-minute maximum.
func TestSessionRemindersAcrossDSTAutoStartAutoEnd(t *testing.T) {
	start := time.Date(2026, 3, 29, 7, 0, 0, 0, time.UTC) // 09:00 CEST
	env := newSessionEnv(t, start.Add(-72*time.Hour))
	in := input(start)
	in.AutoStart, in.GreenRoomMinutes = true, 30
	env.ExecuteWorkflow(workflows.SessionLifecycle, in)
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	env.want(t, "03-28 08:00 reminder:1440", "03-29 06:00 reminder:60", "03-29 06:30 open",
		"03-29 06:50 reminder:10", "03-29 07:00 room opened", "03-29 07:00 live", "03-29 07:20 ended", "03-29 07:20 room closed", "03-29 07:20 recording ready", "03-29 07:20 exports", "03-29 07:20 followup:attended", "03-29 07:20 followup:missed", "03-29 07:20 processed")
}

func TestSessionScheduledLateSkipsPastReminders(t *testing.T) {
	start := time.Date(2026, 6, 10, 12, 0, 0, 0, time.UTC)
	env := newSessionEnv(t, start.Add(-30*time.Minute))
	var refused error
	env.update(40*time.Minute, workflows.StartUpdate, workflows.StartRequest{By: "usr_1"}, &refused)
	env.update(50*time.Minute, workflows.StopUpdate, workflows.StopRequest{By: "usr_1"}, &refused)
	env.ExecuteWorkflow(workflows.SessionLifecycle, input(start))
	if err := env.GetWorkflowError(); err != nil || refused != nil {
		t.Fatal(err, refused)
	}
	env.want(t, "06-10 11:50 reminder:10", "06-10 12:10 room opened", "06-10 12:10 live", "06-10 12:20 ended", "06-10 12:20 room closed", "06-10 12:20 recording ready", "06-10 12:20 exports", "06-10 12:20 followup:attended", "06-10 12:20 followup:missed", "06-10 12:20 processed")
}

func TestSessionStartStopByHost(t *testing.T) {
	start := time.Date(2026, 6, 10, 12, 0, 0, 0, time.UTC)
	env := newSessionEnv(t, start.Add(-20*time.Minute))
	var stopEarly, startTwice, stopRefused error
	env.update(time.Minute, workflows.StopUpdate, workflows.StopRequest{}, &stopEarly)
	env.update(15*time.Minute, workflows.StartUpdate, workflows.StartRequest{}, &stopRefused) // early start is fine
	env.update(16*time.Minute, workflows.StartUpdate, workflows.StartRequest{}, &startTwice)
	env.update(25*time.Minute, workflows.StopUpdate, workflows.StopRequest{}, &stopRefused)
	env.ExecuteWorkflow(workflows.SessionLifecycle, input(start))
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if stopEarly == nil || startTwice == nil || stopRefused != nil {
		t.Fatalf("stop before start refused: %v; second start refused: %v; real stop refused: %v", stopEarly, startTwice, stopRefused)
	}
	env.want(t, "06-10 11:50 reminder:10", "06-10 11:55 room opened", "06-10 11:55 live", "06-10 12:05 ended", "06-10 12:05 room closed", "06-10 12:05 recording ready", "06-10 12:05 exports", "06-10 12:05 followup:attended", "06-10 12:05 followup:missed", "06-10 12:05 processed")
	var res workflows.SessionLifecycleResult
	if err := env.GetWorkflowResult(&res); err != nil || res.Status != "processed" {
		t.Fatalf("result %+v %v", res, err)
	}
}

// Rescheduling re-plans every timer from the new start, bumps the sequence
// and tells everyone; a start in the past is refused.
func TestSessionReschedule(t *testing.T) {
	start := time.Date(2026, 6, 10, 12, 0, 0, 0, time.UTC)
	now := start.Add(-48 * time.Hour)
	env := newSessionEnv(t, now)
	var past, ok error
	env.update(time.Hour, workflows.RescheduleUpdate, workflows.RescheduleRequest{StartsAt: now, DurationMinutes: 15, Timezone: "Europe/Paris"}, &past)
	moved := start.Add(24 * time.Hour)
	env.update(2*time.Hour, workflows.RescheduleUpdate, workflows.RescheduleRequest{StartsAt: moved, DurationMinutes: 15, Timezone: "America/New_York"}, &ok)
	env.update(73*time.Hour, workflows.StartUpdate, workflows.StartRequest{}, &ok)
	env.update(73*time.Hour+10*time.Minute, workflows.StopUpdate, workflows.StopRequest{}, &ok)
	env.ExecuteWorkflow(workflows.SessionLifecycle, input(start))
	if err := env.GetWorkflowError(); err != nil || ok != nil {
		t.Fatal(err, ok)
	}
	if past == nil {
		t.Fatal("a reschedule into the past was accepted")
	}
	env.want(t, "06-08 14:00 rescheduled", "06-08 14:00 reschedule:1",
		"06-10 12:00 reminder:1440", "06-11 11:00 reminder:60", "06-11 11:50 reminder:10",
		"06-11 13:00 room opened", "06-11 13:00 live", "06-11 13:10 ended", "06-11 13:10 room closed", "06-11 13:10 recording ready", "06-11 13:10 exports", "06-11 13:10 followup:attended", "06-11 13:10 followup:missed", "06-11 13:10 processed")
	if !slices.Equal(env.seqs, []int{1}) {
		t.Fatalf("sequences %v", env.seqs)
	}
}

func TestSessionCancel(t *testing.T) {
	start := time.Date(2026, 6, 10, 12, 0, 0, 0, time.UTC)
	env := newSessionEnv(t, start.Add(-2*time.Hour))
	var first, second error
	env.update(30*time.Minute, workflows.CancelUpdate, workflows.CancelRequest{By: "usr_1"}, &first)
	env.ExecuteWorkflow(workflows.SessionLifecycle, input(start))
	if err := env.GetWorkflowError(); err != nil || first != nil {
		t.Fatal(err, first)
	}
	env.want(t, "06-10 10:30 cancelled", "06-10 10:30 cancellation")
	var res workflows.SessionLifecycleResult
	if err := env.GetWorkflowResult(&res); err != nil || res.Status != "cancelled" {
		t.Fatalf("result %+v %v", res, err)
	}
	_ = second
}

// Nobody starts the session: it ends by itself long after its planned end.
func TestSessionNobodyStarts(t *testing.T) {
	start := time.Date(2026, 6, 10, 12, 0, 0, 0, time.UTC)
	env := newSessionEnv(t, start.Add(-5*time.Minute))
	env.ExecuteWorkflow(workflows.SessionLifecycle, input(start))
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	env.want(t, "06-11 00:15 ended", "06-11 00:15 room closed", "06-11 00:15 recording ready", "06-11 00:15 exports", "06-11 00:15 followup:attended", "06-11 00:15 followup:missed", "06-11 00:15 processed")
}
