package composite_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/onairhq/onair/media/composite"
	"github.com/onairhq/onair/media/mediatest"
)

// childDir, in the environment, makes TestCompositeChildProcess compose that folder and
// print its progress: the worker this file's test kills.
const childDir = "ONAIR_COMPOSITE_CHILD_DIR"

// A composite stopped midway, by its context (the activity cancelled) or by SIGKILL of its
// process (the worker killed, its deferred clean-up never run), leaves no replay under the
// final name; the next run finishes exactly one, and nothing of the stopped runs remains.
func TestCompositeStoppedMidwayLeavesExactlyOneReplay(t *testing.T) {
	span := 10 * time.Second
	dir := writePanel(t, filepath.Join(t.TempDir(), "ses_crash"), encodePanel(t, t.TempDir(), 2, span), panel{speakers: 2, screen: true, span: span})
	ctx := context.Background()

	// Cancelled once ffmpeg told some progress.
	cctx, cancel := context.WithCancel(ctx)
	_, err := composite.Run(cctx, composite.Params{Dir: dir, Progress: func(done float64) {
		if done > 0 {
			cancel()
		}
	}})
	cancel()
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled composite returned %v, want context.Canceled", err)
	}
	assertReplays(t, dir, 0, 0)

	// Killed once it told some progress.
	child := exec.Command(os.Args[0], "-test.run=^TestCompositeChildProcess$", "-test.count=1")
	child.Env = append(os.Environ(), childDir+"="+dir)
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	child.Stderr = os.Stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	for sc := bufio.NewScanner(out); sc.Scan(); {
		if v, ok := strings.CutPrefix(sc.Text(), "progress "); ok {
			if done, _ := strconv.ParseFloat(v, 64); done > 0 && done < 1 {
				_ = child.Process.Kill()
				killed = true
				break
			}
		}
	}
	_ = child.Wait()
	if !killed {
		t.Fatal("the child composite ended before telling any progress")
	}
	// Its ffmpeg dies with it rather than writing on in the killed run's folder.
	mediatest.WaitFor(t, "the killed worker's ffmpeg to end", func() bool { return len(ffmpegsWriting(t, dir)) == 0 })
	assertReplays(t, dir, 0, 1)

	res, err := composite.Run(ctx, composite.Params{Dir: dir})
	if err != nil || res.Reused {
		t.Fatalf("the run after the kill: %+v, %v; want a new replay", res, err)
	}
	if d := res.Duration - span; d > 300*time.Millisecond || d < -300*time.Millisecond {
		t.Errorf("the replay lasts %s, want %s", res.Duration, span)
	}
	assertReplays(t, dir, 1, 0)
}

// TestCompositeChildProcess is the worker the test above kills; without childDir it does
// nothing.
func TestCompositeChildProcess(t *testing.T) {
	dir := os.Getenv(childDir)
	if dir == "" {
		return
	}
	_, err := composite.Run(context.Background(), composite.Params{Dir: dir, Progress: func(done float64) {
		fmt.Printf("progress %f\n", done)
	}})
	fmt.Println("finished", err)
}

// assertReplays counts what dir holds: finished replays (an MP4 and a playlist under their
// final names) and folders left by stopped runs.
func assertReplays(t *testing.T, dir string, finished, leftovers int) {
	t.Helper()
	mp4s, playlists, work := 0, 0, 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && strings.HasPrefix(d.Name(), "replay.work-"):
			work++
		case !d.IsDir() && d.Name() == composite.MP4Name && filepath.Dir(path) == filepath.Join(dir, composite.ReplayDir):
			mp4s++
		case !d.IsDir() && d.Name() == composite.PlaylistName && filepath.Dir(path) == filepath.Join(dir, composite.ReplayDir):
			playlists++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if mp4s != finished || playlists != finished || work != leftovers {
		t.Fatalf("%d finished MP4s, %d playlists, %d stopped runs' folders; want %d, %d, %d", mp4s, playlists, work, finished, finished, leftovers)
	}
}

// ffmpegsWriting lists the processes whose command line names a file under dir.
func ffmpegsWriting(t *testing.T, dir string) []string {
	t.Helper()
	procs, err := filepath.Glob("/proc/[0-9]*/cmdline")
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err == nil && strings.Contains(string(b), dir) && strings.Contains(string(b), "ffmpeg") {
			found = append(found, p)
		}
	}
	return found
}

// Two workers composing the same session at once (one presumed dead that was not): one
// replay comes out, and every run that succeeds names that one.
func TestCompositeTwiceAtOnceMakesOneReplay(t *testing.T) {
	span := 6 * time.Second
	dir := writePanel(t, filepath.Join(t.TempDir(), "ses_twice"), encodePanel(t, t.TempDir(), 1, span), panel{speakers: 1, span: span})
	type outcome struct {
		res composite.Result
		err error
	}
	done := make(chan outcome, 2)
	for range 2 {
		go func() {
			res, err := composite.Run(context.Background(), composite.Params{Dir: dir})
			done <- outcome{res, err}
		}()
	}
	succeeded := 0
	for range 2 {
		o := <-done
		if o.err != nil {
			t.Logf("one run failed (its work was removed by the other): %v", o.err)
			continue
		}
		succeeded++
		if o.res.MP4 != filepath.Join(dir, composite.ReplayDir, composite.MP4Name) {
			t.Errorf("a run names %s, not the replay in place", o.res.MP4)
		}
	}
	if succeeded == 0 {
		t.Fatal("neither run made the replay")
	}
	assertReplays(t, dir, 1, 0)
	if res, err := composite.Run(context.Background(), composite.Params{Dir: dir}); err != nil || !res.Reused {
		t.Fatalf("a third run: %+v, %v; want the replay made, reused", res, err)
	}
}
