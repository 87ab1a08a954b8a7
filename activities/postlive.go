package activities

import (
	"context"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/media/mediactl"
	"github.com/onairhq/onair/store"
)

// PostLiveInput names the session whose post-live step runs.
type PostLiveInput struct {
	SessionID string
	// ReplayFollows (FinalizeRecording): a composite replay is made next, so the recording
	// is saved stopped, not ready, until ReplayReady.
	ReplayFollows bool
}

// FinalizeRecordingResult says whether the session has a replay, and what it is.
type FinalizeRecordingResult struct {
	Recorded   bool
	Bytes      int64
	DurationMS int64
}

// FinalizeRecording has the media node mux the raw track files into one WebM and records it
// as the session's ready Recording. A session nothing was recorded in (or with no media node)
// is not a failure: it simply has no replay. Finalizing twice returns the same file, so a
// retry after a crash between the mux and the row is safe.
func (a *Activities) FinalizeRecording(ctx context.Context, in PostLiveInput) (FinalizeRecordingResult, error) {
	if a.Media == nil {
		return FinalizeRecordingResult{}, nil
	}
	sess, err := store.SessionByID(ctx, a.DB, in.SessionID)
	if err != nil {
		return FinalizeRecordingResult{}, err
	}
	node, err := a.Media.ForRecording(ctx, in.SessionID)
	if err != nil {
		return FinalizeRecordingResult{}, fmt.Errorf("finalize recording of %s: %w", in.SessionID, err)
	}
	fin, err := node.FinalizeRecording(ctx, in.SessionID)
	if errors.Is(err, mediactl.ErrNotFound) {
		a.Log.Info("nothing recorded", "workspace", sess.WorkspaceID, "session", sess.ID)
		return FinalizeRecordingResult{}, nil
	}
	if err != nil {
		return FinalizeRecordingResult{}, mediaError("finalize recording of "+in.SessionID, err)
	}
	now := store.Now()
	rec := &store.Recording{WorkspaceID: sess.WorkspaceID, SessionID: sess.ID, Status: store.RecordingReady, File: fin.File,
		Bytes: fin.Bytes, DurationMS: fin.DurationMS, StartedAt: sess.StartedAt, ReadyAt: &now}
	if in.ReplayFollows {
		rec.Status, rec.ReadyAt = store.RecordingStopped, nil
	}
	if err := store.SaveRecording(ctx, a.DB, rec); err != nil {
		return FinalizeRecordingResult{}, err
	}
	a.Log.Info("recording ready", "workspace", sess.WorkspaceID, "session", sess.ID, "bytes", fin.Bytes, "duration_ms", fin.DurationMS)
	return FinalizeRecordingResult{Recorded: true, Bytes: fin.Bytes, DurationMS: fin.DurationMS}, nil
}

// ReplayReadyInput is the composite replay ComposeReplay checked.
type ReplayReadyInput struct {
	SessionID string
	Replay    ComposeReplayResult
}

// ReplayReady makes the session's recording the composite MP4 (its HLS beside it), ready
// for the replay page and the follow-up e-mails.
func (a *Activities) ReplayReady(ctx context.Context, in ReplayReadyInput) error {
	sess, err := store.SessionByID(ctx, a.DB, in.SessionID)
	if err != nil {
		return err
	}
	now := store.Now()
	rec := &store.Recording{WorkspaceID: sess.WorkspaceID, SessionID: sess.ID, Status: store.RecordingReady, File: in.Replay.File,
		Bytes: in.Replay.Bytes, DurationMS: in.Replay.DurationMS, StartedAt: sess.StartedAt, ReadyAt: &now}
	if err := store.SaveRecording(ctx, a.DB, rec); err != nil {
		return err
	}
	a.Log.Info("replay ready", "workspace", sess.WorkspaceID, "session", sess.ID, "bytes", rec.Bytes, "duration_ms", rec.DurationMS)
	return nil
}

// ExportsSummary is what the session's exports hold, for the status query and the logs: the
// fields of store.ExportCounts, kept as a type of its own since it is the activity's result.
type ExportsSummary struct {
	Registrants, Attended, Messages, Questions, Polls, Votes int
}

// SummarizeExports checks that the session's export data reads back (the exports themselves
// stream from the store on request) and counts it.
func (a *Activities) SummarizeExports(ctx context.Context, in PostLiveInput) (ExportsSummary, error) {
	counts, err := store.CountExports(ctx, a.DB, in.SessionID)
	out := ExportsSummary(counts)
	if err != nil {
		return out, err
	}
	a.Log.Info("exports ready", "session", in.SessionID, "registrants", out.Registrants, "attended", out.Attended,
		"messages", out.Messages, "questions", out.Questions, "votes", out.Votes)
	return out, nil
}

// RetentionResult is the session's workspace retention setting (0: keep forever).
type RetentionResult struct {
	Days int
}

// Retention reads the workspace's retention setting when the post-live chain is done, so a
// change made before then applies.
func (a *Activities) Retention(ctx context.Context, in PostLiveInput) (RetentionResult, error) {
	sess, err := store.SessionByID(ctx, a.DB, in.SessionID)
	if errors.Is(err, store.ErrNotFound) {
		return RetentionResult{}, nil // erased with its event already
	}
	if err != nil {
		return RetentionResult{}, err
	}
	ws, err := store.GetWorkspace(ctx, a.DB, sess.WorkspaceID)
	if err != nil {
		return RetentionResult{}, err
	}
	return RetentionResult{Days: ws.Settings.RetentionDays}, nil
}

// EraseSessionDataInput names the session whose retention period is over.
type EraseSessionDataInput struct {
	SessionID     string
	RetentionDays int
}

// EraseSessionDataResult counts what the erase did.
type EraseSessionDataResult struct {
	Registrants int
}

// EraseSessionData deletes the session's recording (files on the media node, then the row
// with the rest of the room content) and anonymizes its registrants, then writes the audit
// log entry. Each part is idempotent, so a retry finishes a half-done erase.
func (a *Activities) EraseSessionData(ctx context.Context, in EraseSessionDataInput) (EraseSessionDataResult, error) {
	sess, err := store.SessionByID(ctx, a.DB, in.SessionID)
	if errors.Is(err, store.ErrNotFound) {
		return EraseSessionDataResult{}, nil
	}
	if err != nil {
		return EraseSessionDataResult{}, err
	}
	if a.Media != nil {
		node, err := a.Media.ForRecording(ctx, sess.ID)
		if err == nil {
			err = node.DeleteRecording(ctx, sess.ID)
		}
		if err != nil {
			return EraseSessionDataResult{}, mediaError("delete recording of "+sess.ID, err)
		}
	}
	var n int
	// The erase and its audit entry commit together: the log never claims an erase that
	// rolled back (a retry after a lost answer logs a second entry that erased nothing).
	err = store.InTx(ctx, a.DB, func(ctx context.Context, tx bun.IDB) error {
		var err error
		if n, err = store.EraseSessionContent(ctx, tx, sess.WorkspaceID, sess.ID); err != nil {
			return err
		}
		return store.RecordAudit(ctx, tx, store.AuditEntry{WorkspaceID: sess.WorkspaceID, ActorID: RetentionActor,
			Action: RetentionAction, Object: "session:" + sess.ID, Outcome: store.OutcomeGranted,
			Reason: fmt.Sprintf("retention of %d days: recording and room content deleted, %d registrants anonymized", in.RetentionDays, n)})
	})
	if err != nil {
		return EraseSessionDataResult{}, err
	}
	a.Log.Info("session data erased by retention", "workspace", sess.WorkspaceID, "session", sess.ID, "registrants", n)
	return EraseSessionDataResult{Registrants: n}, nil
}

// The audit log's actor and action of retention erases.
const (
	RetentionActor  = "system:retention"
	RetentionAction = "session.retention_erase"
)
