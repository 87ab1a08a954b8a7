package contract

import "time"

// SessionLifecycleInput is what a session's workflow is started with.
type SessionLifecycleInput struct {
	SessionID, WorkspaceID, EventID, Title string
	StartsAt                               time.Time
	DurationMinutes                        int
	Timezone                               string
	ReminderOffsetsMinutes                 []int
	GreenRoomMinutes                       int
	AutoStart                              bool
	// MaxDuration is the plan's longest session: a live session ends by itself
	// then (0: no limit).
	MaxDuration time.Duration
}

// Update and query names of SessionLifecycle.
const (
	StartUpdate      = "start"
	StopUpdate       = "stop"
	RescheduleUpdate = "reschedule"
	CancelUpdate     = "cancel"
	StatusQuery      = "status"
	// RetryPostLiveUpdate re-runs the failed post-live step of a processing_failed session, and
	// the steps after it.
	RetryPostLiveUpdate = "retry_post_live"
)

// ErrSessionState is the type of refusals due to the session's status.
const ErrSessionState = "SessionState"

// StartRequest and StopRequest name the host who asked, for the logs.
type StartRequest struct{ By string }

// StopRequest asks a live session to end.
type StopRequest struct{ By string }

// RescheduleRequest is a session's new plan.
type RescheduleRequest struct {
	StartsAt        time.Time
	DurationMinutes int
	Timezone        string
	By              string
}

// CancelRequest calls a session off.
type CancelRequest struct{ By string }

// RetryPostLiveRequest names the host who asked.
type RetryPostLiveRequest struct{ By string }

// SessionState is the status query's answer and every update's result.
type SessionState struct {
	Status          string
	StartsAt        time.Time
	DurationMinutes int
	Timezone        string
	Sequence        int
	StartedAt       *time.Time
	EndedAt         *time.Time
	Reminders       []Reminder
	PostLive        PostLiveState
}

// Reminder is one planned reminder of the current schedule.
type Reminder struct {
	OffsetMinutes int
	At            time.Time
	Done          bool // sent, or skipped because it was already past when planned
}

// PostLiveState is the post-live chain as the status query shows it.
type PostLiveState struct {
	// Done counts the steps finished; FailedStep and Error describe the last failure.
	Done       int
	FailedStep string `json:",omitempty"`
	Error      string `json:",omitempty"`
	Failures   int
	Recorded   bool
	Exports    ExportsSummary
	EraseAt    *time.Time `json:",omitempty"`
	Erased     bool
	// Replay is how far the composite replay got (egress worker), while and after it runs.
	Replay *ReplayProgress `json:",omitempty"`
}

// ReplayProgressSignal carries a ReplayProgress from the egress activity to the session's
// workflow, for its status query.
const ReplayProgressSignal = "replay-progress"

// ReplayProgress is the composite replay's share done (0–1) in its attempt (from 1).
type ReplayProgress struct {
	Done    float64
	Attempt int32
}

// ExportsSummary counts a session's export data once it has ended (the result of the
// SummarizeExports activity, with the same fields).
type ExportsSummary struct {
	Registrants, Attended, Messages, Questions, Polls, Votes int
}

// SessionWorkflowID is the one workflow of a session.
func SessionWorkflowID(sessionID string) string { return "session:" + sessionID }
