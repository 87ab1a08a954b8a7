package workflows

import (
	"fmt"
	"strconv"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/onairhq/onair/activities"
	"github.com/onairhq/onair/mail"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/workflows/contract"
)

// SessionLifecycleInput is what a session's workflow is started with.
type SessionLifecycleInput = contract.SessionLifecycleInput

// SessionLifecycleResult is the session's final status.
type SessionLifecycleResult struct {
	Status string
}

// Update and query names of SessionLifecycle.
const (
	StartUpdate      = contract.StartUpdate
	StopUpdate       = contract.StopUpdate
	RescheduleUpdate = contract.RescheduleUpdate
	CancelUpdate     = contract.CancelUpdate
	StatusQuery      = contract.StatusQuery
)

// StartRequest and StopRequest name the host who asked, for the logs.
type StartRequest = contract.StartRequest

// StopRequest asks a live session to end.
type StopRequest = contract.StopRequest

// RescheduleRequest is a session's new plan.
type RescheduleRequest = contract.RescheduleRequest

// CancelRequest calls a session off.
type CancelRequest = contract.CancelRequest

// SessionState is the status query's answer and every update's result.
type SessionState = contract.SessionState

// SessionWorkflowID is the one workflow of a session.
func SessionWorkflowID(sessionID string) string { return contract.SessionWorkflowID(sessionID) }

// noShowGrace ends a session nobody started this long after its planned end.
const noShowGrace = 12 * time.Hour

// SessionLifecycle runs one session from scheduling to processed: reminders,
// green room, start and stop (by hosts, or automatic), reschedule and cancel,
// then the post-live chain. It keeps no per-registrant state: fan-outs are
// batch activities, so its history does not grow with the audience.
func SessionLifecycle(ctx workflow.Context, in SessionLifecycleInput) (SessionLifecycleResult, error) {
	s := &sessionRun{in: in, lock: workflow.NewMutex(ctx)}
	if err := s.setup(ctx); err != nil {
		return SessionLifecycleResult{}, err
	}
	return s.run(ctx)
}

type sessionRun struct {
	in    SessionLifecycleInput
	state SessionState
	lock  workflow.Mutex
	dirty bool // an update changed the plan: the main loop re-plans
	// noticeSequence > noticedSequence means reschedule notices are owed.
	noticeSequence, noticedSequence int
	// version is the postLiveChange this run follows (DefaultVersion for old histories).
	version workflow.Version
	// retryAsked is set by a host's RetryPostLiveUpdate while a post-live step has failed.
	retryAsked bool
}

func (s *sessionRun) setup(ctx workflow.Context) error {
	// Decided once, before the first command: a run keeps the behaviour it started with.
	s.version = workflow.GetVersion(ctx, postLiveChange, workflow.DefaultVersion, postLiveVersion)
	s.state = SessionState{Status: store.SessionScheduled, StartsAt: s.in.StartsAt, DurationMinutes: s.in.DurationMinutes, Timezone: s.in.Timezone}
	var err error
	if s.state.Reminders, err = planReminders(s.in.StartsAt, s.in.Timezone, s.in.ReminderOffsetsMinutes, workflow.Now(ctx)); err != nil {
		return temporal.NewNonRetryableApplicationError("plan reminders", "BadSchedule", err)
	}
	if err := workflow.SetQueryHandler(ctx, StatusQuery, func() (SessionState, error) { return s.state, nil }); err != nil {
		return err
	}
	updates := []struct {
		name string
		fn   any
		ok   any
	}{
		{StartUpdate, s.start, func(StartRequest) error { return s.can("start", store.SessionScheduled, store.SessionOpen) }},
		{StopUpdate, s.stop, func(StopRequest) error { return s.can("stop", store.SessionLive) }},
		{RescheduleUpdate, s.reschedule, func(ctx workflow.Context, r RescheduleRequest) error { return s.validReschedule(ctx, r) }},
		{CancelUpdate, s.cancel, func(CancelRequest) error { return s.can("cancel", store.SessionScheduled, store.SessionOpen) }},
		{RetryPostLiveUpdate, s.retryPostLive, s.validRetry},
	}
	for _, u := range updates {
		if err := workflow.SetUpdateHandlerWithOptions(ctx, u.name, u.fn, workflow.UpdateHandlerOptions{Validator: u.ok}); err != nil {
			return err
		}
	}
	return nil
}

// ErrSessionState is the type of refusals due to the session's status.
const ErrSessionState = contract.ErrSessionState

func (s *sessionRun) can(what string, statuses ...string) error {
	for _, st := range statuses {
		if s.state.Status == st {
			return nil
		}
	}
	return temporal.NewApplicationError(fmt.Sprintf("cannot %s a session that is %s", what, s.state.Status), ErrSessionState)
}

func (s *sessionRun) validReschedule(ctx workflow.Context, r RescheduleRequest) error {
	if err := s.can("reschedule", store.SessionScheduled, store.SessionOpen); err != nil {
		return err
	}
	if !r.StartsAt.After(workflow.Now(ctx)) {
		return temporal.NewApplicationError("the new start must be in the future", "BadSchedule")
	}
	if r.DurationMinutes <= 0 || (s.in.MaxDuration > 0 && time.Duration(r.DurationMinutes)*time.Minute > s.in.MaxDuration) {
		return temporal.NewApplicationError("the duration must be positive and within the plan's maximum", "BadSchedule")
	}
	if _, err := ReminderAt(r.StartsAt, r.Timezone, 1440); err != nil {
		return temporal.NewApplicationError("unknown time zone "+r.Timezone, "BadSchedule")
	}
	return nil
}

func (s *sessionRun) start(ctx workflow.Context, r StartRequest) (SessionState, error) {
	if err := s.lock.Lock(ctx); err != nil {
		return s.state, err
	}
	defer s.lock.Unlock()
	if err := s.can("start", store.SessionScheduled, store.SessionOpen); err != nil {
		return s.state, err
	}
	workflow.GetLogger(ctx).Info("session started by host", "session", s.in.SessionID, "by", r.By)
	// A room the media node cannot open fails the host's start: they see why and try again.
	if err := s.openRoom(ctx); err != nil {
		return s.state, err
	}
	return s.state, s.goLive(ctx)
}

func (s *sessionRun) stop(ctx workflow.Context, r StopRequest) (SessionState, error) {
	if err := s.lock.Lock(ctx); err != nil {
		return s.state, err
	}
	defer s.lock.Unlock()
	if err := s.can("stop", store.SessionLive); err != nil {
		return s.state, err
	}
	workflow.GetLogger(ctx).Info("session stopped by host", "session", s.in.SessionID, "by", r.By)
	return s.state, s.end(ctx)
}

func (s *sessionRun) reschedule(ctx workflow.Context, r RescheduleRequest) (SessionState, error) {
	if err := s.lock.Lock(ctx); err != nil {
		return s.state, err
	}
	defer s.lock.Unlock()
	if err := s.validReschedule(ctx, r); err != nil {
		return s.state, err
	}
	seq := s.state.Sequence + 1
	err := workflow.ExecuteActivity(shortOptions(ctx), a.ApplyReschedule, activities.ApplyRescheduleInput{
		SessionID: s.in.SessionID, StartsAt: r.StartsAt, DurationMinutes: r.DurationMinutes, Timezone: r.Timezone, Sequence: seq,
	}).Get(ctx, nil)
	if err != nil {
		return s.state, err
	}
	reminders, err := planReminders(r.StartsAt, r.Timezone, s.in.ReminderOffsetsMinutes, workflow.Now(ctx))
	if err != nil {
		return s.state, err
	}
	s.state.StartsAt, s.state.DurationMinutes, s.state.Timezone = r.StartsAt, r.DurationMinutes, r.Timezone
	s.state.Sequence, s.state.Reminders, s.state.Status = seq, reminders, store.SessionScheduled
	s.noticeSequence = seq
	s.dirty = true
	_ = workflow.UpsertTypedSearchAttributes(ctx, ScheduledStartKey.ValueSet(r.StartsAt),
		SessionStatusKey.ValueSet(store.SessionScheduled))
	workflow.GetLogger(ctx).Info("session rescheduled", "session", s.in.SessionID, "starts_at", r.StartsAt, "by", r.By)
	return s.state, nil
}

func (s *sessionRun) cancel(ctx workflow.Context, r CancelRequest) (SessionState, error) {
	if err := s.lock.Lock(ctx); err != nil {
		return s.state, err
	}
	defer s.lock.Unlock()
	if err := s.can("cancel", store.SessionScheduled, store.SessionOpen); err != nil {
		return s.state, err
	}
	workflow.GetLogger(ctx).Info("session cancelled", "session", s.in.SessionID, "by", r.By)
	return s.state, s.setStatus(ctx, store.SessionCancelled)
}

func (s *sessionRun) goLive(ctx workflow.Context) error {
	now := workflow.Now(ctx)
	if err := s.setStatus(ctx, store.SessionLive); err != nil {
		return err
	}
	s.state.StartedAt = &now
	return nil
}

func (s *sessionRun) end(ctx workflow.Context) error {
	now := workflow.Now(ctx)
	if err := s.setStatus(ctx, store.SessionEnded); err != nil {
		return err
	}
	s.state.EndedAt = &now
	return nil
}

// setStatus writes the status to the store and the search attributes.
func (s *sessionRun) setStatus(ctx workflow.Context, status string) error {
	err := workflow.ExecuteActivity(shortOptions(ctx), a.SetSessionStatus, activities.SetSessionStatusInput{
		SessionID: s.in.SessionID, Status: status, At: workflow.Now(ctx),
	}).Get(ctx, nil)
	if err != nil {
		return err
	}
	s.state.Status = status
	s.dirty = true
	return workflow.UpsertTypedSearchAttributes(ctx, SessionStatusKey.ValueSet(status))
}

// run is the main loop: do what is due, else sleep until the next deadline or
// until an update changes the plan.
func (s *sessionRun) run(ctx workflow.Context) (SessionLifecycleResult, error) {
	for {
		switch s.state.Status {
		case store.SessionCancelled:
			if err := s.notify(ctx, mail.KindCancellation, "cancellation"); err != nil {
				return SessionLifecycleResult{}, err
			}
			return s.finish(ctx)
		case store.SessionEnded:
			if err := s.postLive(ctx); err != nil {
				return SessionLifecycleResult{}, err
			}
			if err := s.eraseAfterRetention(ctx); err != nil {
				return SessionLifecycleResult{}, err
			}
			return s.finish(ctx)
		}
		if s.noticeSequence > s.noticedSequence {
			seq := s.noticeSequence
			if err := s.notify(ctx, mail.KindReschedule, "reschedule:"+strconv.Itoa(seq)); err != nil {
				return SessionLifecycleResult{}, err
			}
			s.noticedSequence = seq
			continue
		}
		now := workflow.Now(ctx)
		at, step := s.next()
		if step != nil && !at.After(now) {
			if err := step(ctx); err != nil {
				return SessionLifecycleResult{}, err
			}
			continue
		}
		s.dirty = false
		if step == nil {
			if err := workflow.Await(ctx, func() bool { return s.dirty }); err != nil {
				return SessionLifecycleResult{}, err
			}
			continue
		}
		if _, err := workflow.AwaitWithTimeout(ctx, at.Sub(now), func() bool { return s.dirty }); err != nil {
			return SessionLifecycleResult{}, err
		}
	}
}

func (s *sessionRun) withLock(ctx workflow.Context, fn func() error) error {
	if err := s.lock.Lock(ctx); err != nil {
		return err
	}
	defer s.lock.Unlock()
	return fn()
}

func (s *sessionRun) finish(ctx workflow.Context) (SessionLifecycleResult, error) {
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return SessionLifecycleResult{}, err
	}
	return SessionLifecycleResult{Status: s.state.Status}, nil
}
