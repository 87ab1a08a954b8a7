package workflows

import (
	"strconv"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/onairhq/onair/activities"
	"github.com/onairhq/onair/mail"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/workflows/contract"
	"github.com/onairhq/onair/workflows/sessionplan"
)

// postLiveChange versions SessionLifecycle's media and post-live behaviour: version 1 opens
// the room on going live, closes it at the end, runs postLiveSteps with a failed state hosts
// can retry, and erases the session's data after the workspace's retention. Histories of
// version DefaultVersion (session_lifecycle_v1.json) go straight from ended to processed.
const (
	postLiveChange  = "post-live-chain"
	postLiveVersion = 1
)

// RetryPostLiveUpdate re-runs the failed post-live step of a processing_failed session, and
// the steps after it.
const RetryPostLiveUpdate = contract.RetryPostLiveUpdate

// RetryPostLiveRequest names the host who asked.
type RetryPostLiveRequest = contract.RetryPostLiveRequest

// PostLiveStep is one stage of the chain that runs once a session has ended. Steps run in
// order; a step failing for good is named in the FailedStepKey search attribute and in the
// status query, the session becomes processing_failed, and its hosts are told.
type PostLiveStep struct {
	Name string
	Run  func(s *sessionRun, ctx workflow.Context) error
}

// postLiveSteps is the chain of version 1. Each step is one activity with its own retry
// policy; changing the list needs a new postLiveChange version.
var postLiveSteps = []PostLiveStep{
	{Name: "close-room", Run: (*sessionRun).closeRoom},
	{Name: "recording", Run: (*sessionRun).finalizeRecording},
	{Name: "exports", Run: (*sessionRun).summarizeExports},
	{Name: "follow-ups", Run: (*sessionRun).sendFollowUps},
}

// postLive runs the post-live chain, then marks the session processed.
func (s *sessionRun) postLive(ctx workflow.Context) error {
	if s.version < postLiveVersion {
		return s.setStatus(ctx, store.SessionProcessed)
	}
	var retention activities.RetentionResult
	if err := workflow.ExecuteActivity(shortOptions(ctx), a.Retention, activities.PostLiveInput{SessionID: s.in.SessionID}).Get(ctx, &retention); err != nil {
		return err
	}
	if retention.Days > 0 && s.state.EndedAt != nil {
		at := s.state.EndedAt.Add(time.Duration(retention.Days) * 24 * time.Hour)
		s.state.PostLive.EraseAt = &at
	}
	for s.state.PostLive.Done < len(postLiveSteps) {
		step := postLiveSteps[s.state.PostLive.Done]
		err := step.Run(s, ctx)
		if err == nil {
			s.state.PostLive.Done++
			continue
		}
		if temporal.IsCanceledError(err) {
			return err
		}
		retried, err := s.failStep(ctx, step.Name, err)
		if err != nil || !retried {
			return err // retention came first: erase below, the session stays processing_failed
		}
	}
	if s.state.PostLive.FailedStep != "" {
		s.state.PostLive.FailedStep, s.state.PostLive.Error = "", ""
		_ = workflow.UpsertTypedSearchAttributes(ctx, FailedStepKey.ValueUnset())
	}
	return s.setStatus(ctx, store.SessionProcessed)
}

// failStep records a step's failure, tells the hosts once per failure, and waits for a
// host's retry (true) or the retention deadline (false).
func (s *sessionRun) failStep(ctx workflow.Context, name string, cause error) (bool, error) {
	p := &s.state.PostLive
	p.FailedStep, p.Error = name, cause.Error()
	p.Failures++
	workflow.GetLogger(ctx).Error("post-live step failed", "session", s.in.SessionID, "step", name, "err", cause)
	if err := workflow.UpsertTypedSearchAttributes(ctx, FailedStepKey.ValueSet(name)); err != nil {
		return false, err
	}
	if err := s.setStatus(ctx, store.SessionProcessingFailed); err != nil {
		return false, err
	}
	err := s.fanOut(ctx, activities.SendSessionMailsInput{
		SessionID: s.in.SessionID, MailKind: mail.KindPostLiveFailed, Hosts: true, FailedStep: name,
		DeliveryKind: "post_live_failed:" + strconv.Itoa(p.Failures),
	})
	if err != nil {
		return false, err
	}
	s.retryAsked = false
	done := func() bool { return s.retryAsked }
	if p.EraseAt == nil {
		return true, workflow.Await(ctx, done)
	}
	return workflow.AwaitWithTimeout(ctx, p.EraseAt.Sub(workflow.Now(ctx)), done)
}

// validRetry accepts a retry only while a step has failed.
func (s *sessionRun) validRetry(RetryPostLiveRequest) error {
	return s.can("retry the post-live processing of", store.SessionProcessingFailed)
}

// retryPostLive puts the session back to ended and lets the chain re-run the failed step.
func (s *sessionRun) retryPostLive(ctx workflow.Context, r RetryPostLiveRequest) (SessionState, error) {
	if err := s.lock.Lock(ctx); err != nil {
		return s.state, err
	}
	defer s.lock.Unlock()
	if err := s.validRetry(r); err != nil {
		return s.state, err
	}
	if err := s.setStatus(ctx, store.SessionEnded); err != nil {
		return s.state, err
	}
	workflow.GetLogger(ctx).Info("post-live retry", "session", s.in.SessionID, "step", s.state.PostLive.FailedStep, "by", r.By)
	s.retryAsked = true
	return s.state, nil
}

// eraseAfterRetention waits for the retention deadline, then erases the session's personal
// data, room content and recording.
func (s *sessionRun) eraseAfterRetention(ctx workflow.Context) error {
	p := &s.state.PostLive
	if s.version < postLiveVersion || p.EraseAt == nil || p.Erased {
		return nil
	}
	if wait := p.EraseAt.Sub(workflow.Now(ctx)); wait > 0 {
		if err := workflow.Sleep(ctx, wait); err != nil {
			return err
		}
	}
	days := int(p.EraseAt.Sub(*s.state.EndedAt) / (24 * time.Hour))
	err := workflow.ExecuteActivity(postLiveOptions(ctx, time.Hour, 0), a.EraseSessionData,
		activities.EraseSessionDataInput{SessionID: s.in.SessionID, RetentionDays: days}).Get(ctx, nil)
	if err != nil {
		return err
	}
	p.Erased = true
	return nil
}

func (s *sessionRun) openRoom(ctx workflow.Context) error {
	if s.version < postLiveVersion {
		return nil
	}
	return workflow.ExecuteActivity(postLiveOptions(ctx, 30*time.Second, 3), a.OpenRoom,
		activities.OpenRoomInput{SessionID: s.in.SessionID}).Get(ctx, nil)
}

func (s *sessionRun) closeRoom(ctx workflow.Context) error {
	at := workflow.Now(ctx)
	if s.state.EndedAt != nil {
		at = *s.state.EndedAt
	}
	return workflow.ExecuteActivity(postLiveOptions(ctx, time.Minute, 5), a.CloseRoom,
		activities.CloseRoomInput{SessionID: s.in.SessionID, At: at}).Get(ctx, nil)
}

func (s *sessionRun) finalizeRecording(ctx workflow.Context) error {
	composite := workflow.GetVersion(ctx, replayChange, workflow.DefaultVersion, replayVersion) >= replayVersion
	var res activities.FinalizeRecordingResult
	err := workflow.ExecuteActivity(postLiveOptions(ctx, 10*time.Minute, 4), a.FinalizeRecording,
		activities.PostLiveInput{SessionID: s.in.SessionID, ReplayFollows: composite}).Get(ctx, &res)
	if err != nil || !composite || !res.Recorded {
		s.state.PostLive.Recorded = res.Recorded
		return err
	}
	replay, err := s.composeReplay(ctx)
	if err != nil {
		return err
	}
	err = workflow.ExecuteActivity(postLiveOptions(ctx, time.Minute, 5), a.ReplayReady,
		activities.ReplayReadyInput{SessionID: s.in.SessionID, Replay: replay}).Get(ctx, nil)
	s.state.PostLive.Recorded = err == nil
	return err
}

func (s *sessionRun) summarizeExports(ctx workflow.Context) error {
	return workflow.ExecuteActivity(postLiveOptions(ctx, 5*time.Minute, 5), a.SummarizeExports,
		activities.PostLiveInput{SessionID: s.in.SessionID}).Get(ctx, &s.state.PostLive.Exports)
}

// sendFollowUps thanks the attendees and tells the approved no-shows, each once: both
// fan-outs share the "followup" Delivery kind, so nobody gets two follow-ups.
func (s *sessionRun) sendFollowUps(ctx workflow.Context) error {
	var end time.Time // when they are due is the plan's business; the fan-out needs what and to whom
	if s.state.EndedAt != nil {
		end = *s.state.EndedAt
	}
	for _, m := range sessionplan.FollowUps(end, false) {
		if err := s.fanOutWith(postLiveFanOutOptions(ctx), fanOutOf(s.in.SessionID, m)); err != nil {
			return err
		}
	}
	return nil
}

// postLiveOptions are a post-live activity's: exponential backoff from a second, at most
// attempts tries (0: until it succeeds).
func postLiveOptions(ctx workflow.Context, timeout time.Duration, attempts int32) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: timeout,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 30 * time.Second,
			MaximumAttempts: attempts},
	})
}

// postLiveFanOutOptions bound the follow-up fan-out's retries so a mail server down for good
// ends in processing_failed instead of retrying forever.
func postLiveFanOutOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Hour,
		HeartbeatTimeout:    10 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute, MaximumAttempts: 10},
	})
}
