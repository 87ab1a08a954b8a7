package workflows_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/workflows"
)

// hostSession is a session started at 12:00 and stopped at 12:10 by its host.
func hostSession(t *testing.T, configure func(*sessionEnv)) (*sessionEnv, time.Time) {
	start := time.Date(2026, 6, 10, 12, 0, 0, 0, time.UTC)
	env := newSessionEnv(t, start.Add(-5*time.Minute))
	configure(env)
	var refused error
	env.update(5*time.Minute, workflows.StartUpdate, workflows.StartRequest{By: "usr_1"}, &refused)
	env.update(15*time.Minute, workflows.StopUpdate, workflows.StopRequest{By: "usr_1"}, &refused)
	t.Cleanup(func() {
		if refused != nil {
			t.Errorf("start or stop refused: %v", refused)
		}
	})
	return env, start
}

func statusOf(t *testing.T, env *sessionEnv) workflows.SessionState {
	t.Helper()
	v, err := env.QueryWorkflow(workflows.StatusQuery)
	if err != nil {
		t.Fatal(err)
	}
	var st workflows.SessionState
	if err := v.Get(&st); err != nil {
		t.Fatal(err)
	}
	return st
}

// The media node fails to finalize twice, then succeeds: the retries are the step's own, the
// session is processed with one recording and nobody is told of a failure.
func TestPostLiveFinalizeRetriesThenSucceeds(t *testing.T) {
	env, _ := hostSession(t, func(e *sessionEnv) { e.finalizeFailures = 2 })
	env.ExecuteWorkflow(workflows.SessionLifecycle, input(time.Date(2026, 6, 10, 12, 0, 0, 0, time.UTC)))
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	env.want(t, "06-10 12:00 room opened", "06-10 12:00 live", "06-10 12:10 ended", "06-10 12:10 room closed",
		"06-10 12:10 finalize failed", "06-10 12:10 finalize failed", "06-10 12:10 recording ready", "06-10 12:10 exports",
		"06-10 12:10 followup:attended", "06-10 12:10 followup:missed", "06-10 12:10 processed")
}

// Finalizing fails for good: the session is processing_failed with the step named, hosts are
// told once, a retry before the failure is refused, and a host's retry later finishes the chain.
func TestPostLiveFailureIsVisibleAndRetriable(t *testing.T) {
	env, _ := hostSession(t, func(e *sessionEnv) { e.finalizeFailures = 4 })
	var early, retry error
	env.update(10*time.Minute, workflows.RetryPostLiveUpdate, workflows.RetryPostLiveRequest{By: "usr_1"}, &early)
	var failed workflows.SessionState
	env.RegisterDelayedCallback(func() { failed = statusOf(t, env) }, 90*time.Minute)
	env.update(2*time.Hour, workflows.RetryPostLiveUpdate, workflows.RetryPostLiveRequest{By: "usr_1"}, &retry)
	env.ExecuteWorkflow(workflows.SessionLifecycle, input(time.Date(2026, 6, 10, 12, 0, 0, 0, time.UTC)))
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if early == nil || retry != nil {
		t.Fatalf("retry while live accepted (%v) or retry after the failure refused (%v)", early, retry)
	}
	if failed.Status != store.SessionProcessingFailed || failed.PostLive.FailedStep != "recording" || failed.PostLive.Error == "" {
		t.Fatalf("state after the failure: %+v", failed)
	}
	env.want(t, "06-10 12:00 room opened", "06-10 12:00 live", "06-10 12:10 ended", "06-10 12:10 room closed",
		"06-10 12:10 finalize failed", "06-10 12:10 finalize failed", "06-10 12:10 finalize failed", "06-10 12:10 finalize failed",
		"06-10 12:10 processing_failed", "06-10 12:10 post_live_failed:1",
		"06-10 13:55 ended", "06-10 13:55 recording ready", "06-10 13:55 exports",
		"06-10 13:55 followup:attended", "06-10 13:55 followup:missed", "06-10 13:55 processed")
	if st := statusOf(t, env); st.PostLive.FailedStep != "" || st.PostLive.Failures != 1 || !st.PostLive.Recorded {
		t.Fatalf("final post-live state %+v", st.PostLive)
	}
}

// With a 30-day retention the workflow erases the session's data 30 days after it ended.
func TestPostLiveRetentionTimer(t *testing.T) {
	env, _ := hostSession(t, func(e *sessionEnv) { e.retentionDays = 30 })
	env.ExecuteWorkflow(workflows.SessionLifecycle, input(time.Date(2026, 6, 10, 12, 0, 0, 0, time.UTC)))
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	env.want(t, "06-10 12:00 room opened", "06-10 12:00 live", "06-10 12:10 ended", "06-10 12:10 room closed",
		"06-10 12:10 recording ready", "06-10 12:10 exports",
		"06-10 12:10 followup:attended", "06-10 12:10 followup:missed", "06-10 12:10 processed", "07-10 12:10 erased after 30 days")
}

// The recording the bug made (a WebM that is not what the recording ran: here not a WebM at
// all) is caught by the check on the egress worker: processing_failed at the "recording"
// step, hosts told, no follow-up with a broken link.
func TestCompositeCheckTurnsABrokenRecordingIntoProcessingFailed(t *testing.T) {
	dir := t.TempDir()
	ses := filepath.Join(dir, "ses_1")
	if err := os.MkdirAll(ses, 0o750); err != nil {
		t.Fatal(err)
	}
	manifest := `{"session_id":"ses_1","state":"finalized","started_at":"2026-06-10T12:00:00Z","stopped_at":"2026-06-10T12:10:00Z","tracks":[]}`
	for name, body := range map[string]string{"manifest.json": manifest, "recording.webm": "not a recording"} {
		if err := os.WriteFile(filepath.Join(ses, name), []byte(body), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	env, _ := hostSession(t, func(e *sessionEnv) { e.egressDir = dir })
	var failed workflows.SessionState
	env.RegisterDelayedCallback(func() { failed = statusOf(t, env) }, 90*time.Minute)
	env.RegisterDelayedCallback(func() { env.CancelWorkflow() }, 2*time.Hour)
	env.ExecuteWorkflow(workflows.SessionLifecycle, input(time.Date(2026, 6, 10, 12, 0, 0, 0, time.UTC)))
	if failed.Status != store.SessionProcessingFailed || failed.PostLive.FailedStep != "recording" ||
		!strings.Contains(failed.PostLive.Error, "broken") {
		t.Fatalf("state after a broken recording: %+v", failed)
	}
	env.want(t, "06-10 12:00 room opened", "06-10 12:00 live", "06-10 12:10 ended", "06-10 12:10 room closed",
		"06-10 12:10 recording ready", "06-10 12:10 processing_failed", "06-10 12:10 post_live_failed:1")
}
