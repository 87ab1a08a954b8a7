package activities

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/uptrace/bun"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/onairhq/onair/media/composite"
	"github.com/onairhq/onair/media/probe"
	"github.com/onairhq/onair/media/recording"
	"github.com/onairhq/onair/workflows/contract"
)

// Egress carries the dependencies of the activities that need ffmpeg; only workers started
// with it (`onair worker --egress`, or `onair dev` with ffmpeg on PATH) register them, on the
// egress task queue. They read and write the recordings volume the media node writes: in
// docker-compose one volume mounted in both (ONAIR_RECORDINGS_DIR on each).
type Egress struct {
	RecordingsDir string
	// DB is the store, for the slide decks the room showed (they join the replay).
	DB  *bun.DB
	Log *slog.Logger
}

// ComposeReplayInput names the session whose replay to make.
type ComposeReplayInput struct {
	SessionID  string
	WorkflowID string // told the progress, by a signal
}

// ComposeReplayResult is the checked replay.
type ComposeReplayResult struct {
	File       string // the MP4 on the recordings volume; the HLS playlist is beside it
	Bytes      int64
	DurationMS int64
}

// ComposeReplay checks the finalized WebM (ffprobe: the duration within 2 s of the recorded
// span, frames of each kind that was recorded), then composes the replay, with the slide
// deck pages the room showed where a shared screen goes. A broken recording fails for good
// (no retry can mend it), so the session ends in processing_failed.
func (e *Egress) ComposeReplay(ctx context.Context, in ComposeReplayInput) (ComposeReplayResult, error) {
	if err := recording.ValidSessionID(in.SessionID); err != nil {
		return ComposeReplayResult{}, temporal.NewNonRetryableApplicationError(err.Error(), "BadSession", err)
	}
	dir := filepath.Join(e.RecordingsDir, in.SessionID)
	rec, err := recording.ReadRecorded(dir)
	if err != nil {
		return ComposeReplayResult{}, err
	}
	if err := checkWebM(ctx, dir, rec); err != nil {
		return ComposeReplayResult{}, err
	}
	stills, removeStills, err := e.deckStills(ctx, in.SessionID, rec)
	if err != nil {
		return ComposeReplayResult{}, err
	}
	defer removeStills()
	reporter := progressReporter(ctx, in.WorkflowID)
	res, err := composite.Run(ctx, composite.Params{Dir: dir, Stills: stills, Progress: reporter})
	if errors.Is(err, probe.ErrBroken) || errors.Is(err, composite.ErrNothing) {
		return ComposeReplayResult{}, temporal.NewNonRetryableApplicationError(err.Error(), "BrokenReplay", err)
	}
	if err != nil {
		return ComposeReplayResult{}, err
	}
	reporter(1)
	e.Log.Info("replay composed", "session", in.SessionID, "bytes", res.Bytes, "duration", res.Duration, "reused", res.Reused)
	return ComposeReplayResult{File: res.MP4, Bytes: res.Bytes, DurationMS: res.Duration.Milliseconds()}, nil
}

func checkWebM(ctx context.Context, dir string, rec recording.Recorded) error {
	want := probe.Expect{Span: rec.Span, Tolerance: 2 * time.Second}
	for _, t := range rec.Tracks {
		if t.Track.Kind == "video" {
			want.Video = 2 // one frame alone is the frozen picture of the bug this check is for
		} else {
			want.Audio = 2
		}
	}
	_, err := probe.Check(ctx, filepath.Join(dir, recording.FinalName), want)
	if errors.Is(err, probe.ErrBroken) {
		return temporal.NewNonRetryableApplicationError(err.Error(), "BrokenRecording", err)
	}
	return err
}

// progressReporter heartbeats every report and signals the session's workflow at each
// further tenth, so its status query shows how far the composite got (at most ~11 signals).
func progressReporter(ctx context.Context, workflowID string) func(float64) {
	told := -1
	return func(done float64) {
		activity.RecordHeartbeat(ctx, done)
		tenth := int(done * 10)
		if workflowID == "" || tenth <= told {
			return
		}
		told = tenth
		err := activity.GetClient(ctx).SignalWorkflow(ctx, workflowID, "", contract.ReplayProgressSignal,
			contract.ReplayProgress{Done: float64(tenth) / 10, Attempt: activity.GetInfo(ctx).Attempt})
		if err != nil {
			activity.GetLogger(ctx).Warn("replay progress not told", "workflow", workflowID, "err", fmt.Sprint(err))
		}
	}
}
