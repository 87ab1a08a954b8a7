package composite

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/onairhq/onair/media/mediactl"
	"github.com/onairhq/onair/media/probe"
	"github.com/onairhq/onair/media/recording"
)

// Names inside a session's recordings folder.
const (
	ReplayDir    = mediactl.ReplayDir // the finished replay: MP4Name, PlaylistName and its segments
	MP4Name      = mediactl.ReplayMP4
	PlaylistName = mediactl.ReplayPlaylist
	workPrefix   = "replay.work-" // a composite being made; never served, removed by the next run
)

// ErrNothing is a recording with no frame at all: there is no replay to make.
var ErrNothing = errors.New("composite: nothing was recorded")

// Params is one composite's input and its observers.
type Params struct {
	// Dir is the session's recordings folder (the shared recordings volume/<session id>).
	Dir string
	// Stills are a slide deck's pages as the room showed them, laid out where a shared screen
	// goes; optional. Their images are read while Run makes the replay.
	Stills []Still
	// Progress is told the share done (0–1) as ffmpeg goes; optional.
	Progress func(done float64)
	// preset overrides x264Preset, for the benchmarks that chose it (export_test.go).
	preset string
}

// Result is the finished replay.
type Result struct {
	MP4, Playlist string // paths
	Bytes         int64  // the MP4's
	Duration      time.Duration
	Reused        bool // an earlier run had finished it
}

// Run makes the session's replay, or returns the one already made. The raw files are left
// as they are: whoever deletes them does so after Run returned a checked replay.
func Run(ctx context.Context, p Params) (Result, error) {
	final := filepath.Join(p.Dir, ReplayDir)
	if res, err := check(ctx, final, 0); err == nil {
		res.Reused = true
		return res, nil
	}
	rec, err := recording.ReadRecorded(p.Dir)
	if err != nil {
		return Result{}, err
	}
	if len(rec.Tracks) == 0 || rec.Span <= 0 {
		return Result{}, ErrNothing
	}
	if err := removeWork(p.Dir); err != nil {
		return Result{}, err
	}
	work, err := os.MkdirTemp(p.Dir, workPrefix)
	if err != nil {
		return Result{}, fmt.Errorf("composite: %w", err)
	}
	defer os.RemoveAll(work) // gone after the rename; a killed run's is removed by the next
	labels, err := writeLabels(work, rec)
	if err != nil {
		return Result{}, err
	}
	deck := deckStills(p.Stills, rec.Span.Milliseconds())
	deckFiles, err := writeDeck(ctx, work, deck)
	if err != nil {
		return Result{}, err
	}
	mp4 := filepath.Join(work, MP4Name)
	if err := ffmpeg(ctx, work, mp4Args(p.Dir, rec, labels, deck, mp4, cmp.Or(p.preset, x264Preset)), rec.Span, p.Progress); err != nil {
		return Result{}, err
	}
	for _, file := range append(slices.Collect(maps.Values(labels)), deckFiles...) {
		if err := os.Remove(filepath.Join(work, file)); err != nil { // the replay folder holds the replay only
			return Result{}, fmt.Errorf("composite: %w", err)
		}
	}
	if err := ffmpeg(ctx, work, hlsArgs(mp4, work), 0, nil); err != nil {
		return Result{}, err
	}
	if _, err := check(ctx, work, rec.Span); err != nil {
		return Result{}, err
	}
	if err := os.Rename(work, final); err != nil {
		// Another run finished first (a worker presumed dead that was not): its replay is
		// the one, and checked like any.
		if res, cerr := check(ctx, final, 0); cerr == nil {
			res.Reused = true
			return res, nil
		}
		return Result{}, fmt.Errorf("composite: put the replay in place: %w", err)
	}
	return check(ctx, final, rec.Span)
}

// check reads a replay folder's MP4 and playlist with ffprobe: a duration within 2 s of span
// (when given), a picture at FPS all along and sound.
func check(ctx context.Context, dir string, span time.Duration) (Result, error) {
	res := Result{MP4: filepath.Join(dir, MP4Name), Playlist: filepath.Join(dir, PlaylistName)}
	fi, err := os.Stat(res.MP4)
	if err != nil {
		return res, err
	}
	if _, err := os.Stat(res.Playlist); err != nil {
		return res, err
	}
	res.Bytes = fi.Size()
	want := probe.Expect{Span: span, Tolerance: 2 * time.Second, Audio: 1, Video: int(span.Seconds() * FPS * 0.9)}
	if span == 0 {
		want.Tolerance, want.Video = 1<<62, 1
	}
	f, err := probe.Check(ctx, res.MP4, want)
	if err != nil {
		return res, err
	}
	if _, err := probe.Check(ctx, res.Playlist, want); err != nil {
		return res, err
	}
	res.Duration = f.Duration
	return res, nil
}

// removeWork removes what killed runs left.
func removeWork(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("composite: %w", err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), workPrefix) {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return fmt.Errorf("composite: remove a killed run's files: %w", err)
			}
		}
	}
	return nil
}

// ffmpeg runs it in dir, reading its -progress lines to tell how far it got in span.
func ffmpeg(ctx context.Context, dir string, args []string, span time.Duration, progress func(float64)) error {
	cmd := exec.CommandContext(ctx, "ffmpeg", args...)
	cmd.Dir = dir
	dieWithParent(cmd)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("composite: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("composite: run ffmpeg: %w", err)
	}
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		v, ok := strings.CutPrefix(sc.Text(), "out_time_us=")
		if us, err := strconv.ParseInt(v, 10, 64); ok && err == nil && progress != nil && span > 0 {
			progress(min(float64(us)/float64(span.Microseconds()), 1))
		}
	}
	_, _ = io.Copy(io.Discard, out)
	if err := cmd.Wait(); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("composite: ffmpeg: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return nil
}
