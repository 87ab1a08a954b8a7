package room_test

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/pion/webrtc/v4/pkg/media/ivfreader"
	"github.com/pion/webrtc/v4/pkg/media/oggreader"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/mediactl"
	"github.com/onairhq/onair/media/mediatest"
)

// killChildEnv makes the test binary act as the media node that gets killed.
const killChildEnv = "ONAIR_TEST_RECORDING_KILL_DIR"

// A media node SIGKILLed mid-recording leaves IVF and Ogg files that read cleanly up to the
// kill, and a fresh node reports the recording as stopped and finalizes it into a WebM.
func TestRecordingSurvivesKill(t *testing.T) {
	if dir := os.Getenv(killChildEnv); dir != "" {
		recordUntilKilled(t, dir)
		return
	}
	dir := t.TempDir()
	child := exec.Command(os.Args[0], "-test.run=^TestRecordingSurvivesKill$", "-test.count=1")
	child.Env = append(os.Environ(), killChildEnv+"="+dir)
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	child.Stderr = os.Stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = child.Process.Kill(); _ = child.Wait() })
	lines := bufio.NewScanner(out)
	ready := false
	for !ready && lines.Scan() {
		ready = strings.TrimSpace(lines.Text()) == "RECORDING"
	}
	if !ready {
		t.Fatal("the child node ended before it was recording")
	}
	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if err := child.Wait(); err == nil || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("child ended with %v, want killed", err)
	}

	// The raw files as the kill left them: whole headers, whole frames and pages.
	sessionDir := filepath.Join(dir, session)
	videoFrames := countIVFFrames(t, onlyFile(t, sessionDir, "*-video.ivf"))
	audioPages := countOggPages(t, onlyFile(t, sessionDir, "*-audio.ogg"))
	if videoFrames == 0 || audioPages == 0 {
		t.Fatalf("after the kill: %d video frames, %d audio pages, want both > 0", videoFrames, audioPages)
	}

	fresh := mediatest.StartNodeRecordingTo(t, dir)
	st, err := fresh.MediaCtl().Recording(t.Context(), session)
	if err != nil {
		t.Fatal(err)
	}
	if st.State != mediactl.RecordingStopped || len(st.Tracks) != 2 || st.Tracks[0].Bytes == 0 {
		t.Fatalf("after restart: %+v, want a stopped recording of 2 non-empty tracks", st)
	}
	fin, err := fresh.MediaCtl().FinalizeRecording(t.Context(), session)
	if err != nil {
		t.Fatal(err)
	}
	got := mediatest.ParseWebM(t, fin.File)
	mediatest.AssertWebM(t, got, 0)
	if n := len(got.Blocks[got.Tracks["V_VP8"].TrackNumber]); n > videoFrames {
		t.Errorf("WebM has %d video blocks, the IVF only %d frames", n, videoFrames)
	}
}

// recordUntilKilled runs in the child: a node records a host publishing audio and video,
// says RECORDING on stdout once both files hold frames, and keeps recording until killed.
func recordUntilKilled(t *testing.T, dir string) {
	n := mediatest.StartNodeRecordingTo(t, dir)
	n.Rooms.Open(session)
	host := n.Join(t, session, "host", authz.SessionHost)
	host.Publish("audio", "video") // published before recording: recorded from the start
	mediatest.WaitFor(t, "the host publishing", func() bool {
		_, forwarded, tracks := n.TrackStats(t, session, "host")
		return tracks == 2 && forwarded > 0
	})
	room, _ := n.Rooms.Get(session)
	if _, err := room.StartRecording(); err != nil {
		t.Fatal(err)
	}
	n.WaitRecorded(t, session, 75, 90) // 1.5 s of audio, past the first video keyframe
	os.Stdout.WriteString("RECORDING\n")
	<-t.Context().Done() // never: the parent kills the process first
	select {}
}

func onlyFile(t *testing.T, dir, pattern string) string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, pattern))
	if err != nil || len(files) != 1 {
		t.Fatalf("files %s in %s: %v (%v), want one", pattern, dir, files, err)
	}
	return files[0]
}

func countIVFFrames(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, h, err := ivfreader.NewWith(f)
	if err != nil {
		t.Fatalf("%s: IVF header: %v", path, err)
	}
	if h.FourCC != "VP80" || h.Width != 320 || h.Height != 240 {
		t.Fatalf("%s: IVF header %+v, want VP80 320×240", path, h)
	}
	frames := 0
	for {
		data, _, err := r.ParseNextFrame()
		if err != nil {
			return frames // the end, or a frame the kill cut: everything before it is whole
		}
		if frames == 0 && data[0]&0x01 != 0 {
			t.Fatalf("%s: the first frame is not a keyframe", path)
		}
		frames++
	}
}

func countOggPages(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, h, err := oggreader.NewWith(f) // checks every page's CRC
	if err != nil {
		t.Fatalf("%s: Ogg Opus header: %v", path, err)
	}
	if h.SampleRate != 48000 {
		t.Fatalf("%s: Opus head %+v", path, h)
	}
	pages := 0
	for {
		data, p, err := r.ParseNextPage()
		if err != nil {
			return pages
		}
		if _, isHeader := p.HeaderType(data); !isHeader {
			pages++
		}
	}
}
