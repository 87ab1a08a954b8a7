package workflows

// The timed steps of a session's schedule: which comes next, and what each does.

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/workflows/sessionplan"
)

// next is the earliest thing the schedule has to do, and when.
func (s *sessionRun) next() (time.Time, func(workflow.Context) error) {
	var (
		best time.Time
		step func(workflow.Context) error
	)
	consider := func(at time.Time, fn func(workflow.Context) error) {
		if step == nil || at.Before(best) {
			best, step = at, fn
		}
	}
	start := s.state.StartsAt
	switch s.state.Status {
	case store.SessionScheduled, store.SessionOpen:
		for i := range s.state.Reminders {
			if r := &s.state.Reminders[i]; !r.Done {
				consider(r.At, func(ctx workflow.Context) error { return s.remind(ctx, r) })
			}
		}
		if s.state.Status == store.SessionScheduled && s.in.GreenRoomMinutes > 0 {
			consider(start.Add(-time.Duration(s.in.GreenRoomMinutes)*time.Minute), s.openGreenRoom)
		}
		if s.in.AutoStart {
			consider(start, s.autoStart)
		}
		consider(start.Add(time.Duration(s.state.DurationMinutes)*time.Minute+noShowGrace), s.noShow)
	case store.SessionLive:
		if s.in.MaxDuration > 0 && s.state.StartedAt != nil {
			consider(s.state.StartedAt.Add(s.in.MaxDuration), s.autoEnd)
		}
	}
	return best, step
}

func (s *sessionRun) remind(ctx workflow.Context, r *Reminder) error {
	err := s.fanOut(ctx, fanOutOf(s.in.SessionID, sessionplan.ReminderMail(*r)))
	r.Done = true
	return err
}

func (s *sessionRun) openGreenRoom(ctx workflow.Context) error {
	return s.withLock(ctx, func() error {
		if s.state.Status != store.SessionScheduled {
			return nil
		}
		return s.setStatus(ctx, store.SessionOpen)
	})
}

func (s *sessionRun) autoStart(ctx workflow.Context) error {
	return s.withLock(ctx, func() error {
		if s.state.Status == store.SessionScheduled || s.state.Status == store.SessionOpen {
			// Nobody is there to retry an automatic start: the session goes live on time
			// even if the room did not open, and the media node opens the room of a live
			// session on its first join (media/room/recovery.go), so no retry is needed here.
			if err := s.openRoom(ctx); err != nil {
				workflow.GetLogger(ctx).Error("room did not open for the automatic start: the first join opens it", "session", s.in.SessionID, "err", err)
			}
			return s.goLive(ctx)
		}
		return nil
	})
}

func (s *sessionRun) autoEnd(ctx workflow.Context) error {
	return s.withLock(ctx, func() error {
		if s.state.Status != store.SessionLive {
			return nil
		}
		workflow.GetLogger(ctx).Info("session reached the plan's maximum duration", "session", s.in.SessionID)
		return s.end(ctx)
	})
}

// noShow ends a session nobody started, long after its planned end.
func (s *sessionRun) noShow(ctx workflow.Context) error {
	return s.withLock(ctx, func() error {
		if s.state.Status == store.SessionScheduled || s.state.Status == store.SessionOpen {
			return s.end(ctx)
		}
		return nil
	})
}
