package composite_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/composite"
	"github.com/onairhq/onair/media/mediatest"
	"github.com/onairhq/onair/media/probe"
	"github.com/onairhq/onair/media/wire"
)

const session = "ses_panel"

// A panel recorded as a room records it: Alice (red camera, 440 Hz) publishes before REC
// goes on, Bob (blue camera, 1000 Hz) joins the stage 1.5 s in, Carol shares a green screen
// 3.5 s in, REC goes off at 6 s. The WebM's duration and frame counts are the recording's
// (RecordingTimestamps), and the composite MP4 carries both tones and shows, at chosen
// moments, Alice alone full, Alice and Bob side by side, then the screen large with both
// cameras in the strip on its right.
func TestCompositeAndRecordingTimestampsOfAPanel(t *testing.T) {
	media := t.TempDir()
	red, blue := makeVideo(t, media, "red", "320x240", 9), makeVideo(t, media, "blue", "320x240", 7)
	green := makeVideo(t, media, "green", "640x360", 5)
	tone440, tone1000 := makeTone(t, media, 440, 9), makeTone(t, media, 1000, 7)

	dir := t.TempDir()
	n := mediatest.StartNodeRecordingTo(t, dir)
	n.Rooms.Open(session)
	viewer := n.Join(t, session, "viewer", authz.SessionParticipant)
	alice := n.Join(t, session, "alice", authz.SessionHost)
	alice.PublishFiles(map[string]string{"camera": red, "mic": tone440})
	mediatest.WaitFor(t, "alice on stage", func() bool { return viewer.Received("alice", "video") >= 10 })

	if _, err := n.Room(t, session).StartRecording(); err != nil {
		t.Fatal(err)
	}
	started := time.Now()
	at := func(d time.Duration) { time.Sleep(time.Until(started.Add(d))) } // the timeline is the test's subject
	at(1500 * time.Millisecond)
	bob := n.Join(t, session, "bob", authz.SessionHost)
	settled(t, bob)
	bob.PublishFiles(map[string]string{"camera": blue, "mic": tone1000})
	mediatest.WaitFor(t, "bob on stage", func() bool { return viewer.Received("bob", "video") >= 5 })
	bobAt := time.Since(started).Seconds()
	at(3500 * time.Millisecond)
	carol := n.Join(t, session, "carol", authz.SessionHost)
	settled(t, carol)
	carol.Send(wire.Frame{Type: wire.FrameScreenStart, RoomFields: wire.RoomFields{ID: "screen"}}) // as the page announces a share
	carol.PublishFiles(map[string]string{"screen": green})
	mediatest.WaitFor(t, "carol's screen", func() bool { return viewer.Received(wire.ScreenStream("carol"), "video") >= 5 })
	screenAt := time.Since(started).Seconds()
	at(6 * time.Second)
	if _, err := n.Room(t, session).StopRecording(); err != nil {
		t.Fatal(err)
	}
	span := time.Since(started)
	// Closed now, so the peers leaving at the test's end renegotiate with nobody.
	if err := n.Rooms.Close(session); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	// The WebM keeps Alice's camera from the start: no frame before it, none missing.
	fin, err := n.MediaCtl().FinalizeRecording(ctx, session)
	if err != nil {
		t.Fatal(err)
	}
	webm, err := probe.Read(ctx, fin.File)
	if err != nil {
		t.Fatal(err)
	}
	if d := webm.Duration - span; d > 500*time.Millisecond || d < -500*time.Millisecond {
		t.Errorf("the WebM lasts %s, the recording ran %s", webm.Duration, span)
	}
	if v, want := webm.Packets("video"), int(span.Seconds()*25); v < want*85/100 || v > want*105/100 {
		t.Errorf("the WebM holds %d video frames, want about %d (25 fps for %s)", v, want, span)
	}

	var progress []float64
	res, err := composite.Run(ctx, composite.Params{Dir: filepath.Join(dir, session), Progress: func(p float64) { progress = append(progress, p) }})
	if err != nil {
		t.Fatal(err)
	}
	mp4, err := probe.Read(ctx, res.MP4)
	if err != nil {
		t.Fatal(err)
	}
	if d := mp4.Duration - span; d > 300*time.Millisecond || d < -300*time.Millisecond {
		t.Errorf("the replay lasts %s, the recording ran %s", mp4.Duration, span)
	}
	if v, want := mp4.Packets("video"), int(span.Seconds()*25); v < want-5 || v > want+5 {
		t.Errorf("the replay holds %d frames, want %d", v, want)
	}
	if len(progress) == 0 || progress[len(progress)-1] < 0.95 {
		t.Errorf("progress told %v, want it to reach the end", progress)
	}

	// Each camera's bottom left corner carries its speaker's name in white; the screen and the
	// rest of the picture no text.
	layouts := []struct {
		name            string
		at              float64
		want            map[[2]int]string
		labelled, plain [][4]int // x0, y0, x1, y1
	}{
		{"alice alone, full (4:3 in 16:9)", 0.8, map[[2]int]string{{640, 360}: "red", {200, 40}: "red", {1080, 680}: "red", {80, 360}: "rgb(0,0,0)"},
			[][4]int{{0, 640, 200, 720}}, [][4]int{{0, 0, 1280, 620}, {220, 620, 1280, 720}}},
		{"alice and bob side by side", (bobAt + 3.5) / 2, map[[2]int]string{{320, 360}: "red", {960, 360}: "blue"},
			[][4]int{{0, 490, 160, 540}, {640, 490, 800, 540}}, [][4]int{{0, 180, 640, 480}, {640, 180, 1280, 480}}},
		{"the screen large, the cameras beside it", (screenAt + 6) / 2,
			map[[2]int]string{{480, 360}: "green", {100, 100}: "green", {1120, 270}: "red", {1120, 450}: "blue"},
			[][4]int{{960, 330, 1060, 360}, {960, 510, 1060, 540}}, [][4]int{{0, 0, 960, 720}, {960, 180, 1280, 320}}},
	}
	for _, l := range layouts {
		rgb := frameAt(t, res.MP4, l.at)
		for p, want := range l.want {
			if got := colourAt(rgb, p[0], p[1]); got != want {
				t.Errorf("%s (%.2fs): (%d,%d) is %s, want %s", l.name, l.at, p[0], p[1], got, want)
			}
		}
		for _, r := range l.labelled {
			if n := whitePixels(rgb, r); n < 20 {
				t.Errorf("%s (%.2fs): %d white pixels in %v, want a name label", l.name, l.at, n, r)
			}
		}
		for _, r := range l.plain {
			if n := whitePixels(rgb, r); n > 0 {
				t.Errorf("%s (%.2fs): %d white pixels in %v, want no text", l.name, l.at, n, r)
			}
		}
	}

	// Alone, Alice's tone only; with Bob, both.
	if lv := toneLevels(t, res.MP4, 0.2, 1.2, 440, 1000); lv[0] < 0.3 || lv[1] > 0.01 {
		t.Errorf("before bob: 440 Hz at %.3f and 1000 Hz at %.3f of the power, want only 440", lv[0], lv[1])
	}
	if lv := toneLevels(t, res.MP4, bobAt+0.4, span.Seconds()-0.3, 440, 1000, 700); lv[0] < 0.15 || lv[1] < 0.15 || lv[2] > 0.01 {
		t.Errorf("with bob: 440 Hz at %.3f, 1000 Hz at %.3f, 700 Hz at %.3f of the power, want both tones", lv[0], lv[1], lv[2])
	}

	// Running again finds the replay made: one output, not two.
	again, err := composite.Run(ctx, composite.Params{Dir: filepath.Join(dir, session)})
	if err != nil || !again.Reused || again.MP4 != res.MP4 {
		t.Errorf("a second run gave %+v, %v; want the first one's replay, reused", again, err)
	}
}

// settled waits until p receives alice, so its own offer does not cross the node's.
func settled(t *testing.T, p *mediatest.Client) {
	t.Helper()
	mediatest.WaitFor(t, p.Name+" receiving alice", func() bool { return p.Received("alice", "video") >= 3 })
}
