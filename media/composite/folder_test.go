package composite_test

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/onairhq/onair/media/recording"
)

// panel is what a synthetic recordings folder holds: speakers with a camera and a microphone
// each, and maybe a shared screen, all from the start to the end of span.
type panel struct {
	speakers int
	screen   bool
	span     time.Duration
}

// panelFiles are encoded sources, shared by every folder made from them.
type panelFiles struct {
	cameras, mics []string
	screen        string
}

// encodePanel encodes up to speakers cameras (640x360 test patterns, each its own hue, in
// motion as a face is) with their tones, and a 1280x720 screen, each lasting span.
func encodePanel(t testing.TB, dir string, speakers int, span time.Duration) panelFiles {
	t.Helper()
	secs := strconv.Itoa(int(span.Seconds()))
	var f panelFiles
	for i := range speakers {
		f.cameras = append(f.cameras, makeClip(t, filepath.Join(dir, "camera"+strconv.Itoa(i)+".ivf"),
			"testsrc2=s=640x360:r=25:d="+secs+",hue=h="+strconv.Itoa(i*90)))
		f.mics = append(f.mics, makeTone(t, dir, 300+200*i, int(span.Seconds())))
	}
	f.screen = makeClip(t, filepath.Join(dir, "screen.ivf"), "testsrc2=s=1280x720:r=25:d="+secs)
	return f
}

// writePanel makes a session's recordings folder as the media node leaves it once stopped
// (track files and manifest) from encoded files, linked rather than copied.
func writePanel(t testing.TB, dir string, files panelFiles, p panel) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	started := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	stopped := started.Add(p.span)
	m := &recording.Manifest{SessionID: filepath.Base(dir), State: "stopped", StartedAt: started, StoppedAt: &stopped}
	zero := int64(0)
	add := func(src, name, kind, source, person string) {
		if err := os.Link(src, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
		// Display names are whatever people typed: the filtergraph's special characters and a
		// line too long for a tile must not break the composite.
		display := person + `: Zoë O'Brien, "100%" [CEO]; a\b %{pts} and a name far too long to fit`
		tr := recording.ManifestTrack{File: name, PersonID: person, Name: display, Kind: kind, Source: source, StartOffsetMS: &zero,
			Codec: "video/VP8", ClockRate: 90000}
		if kind == "audio" {
			tr.Codec, tr.ClockRate, tr.Channels = "audio/opus", 48000, 2
		}
		m.Tracks = append(m.Tracks, tr)
	}
	for i := range p.speakers {
		who := "speaker" + strconv.Itoa(i)
		add(files.cameras[i], who+"-camera.ivf", "video", recording.SourceCamera, who)
		add(files.mics[i], who+"-mic.ogg", "audio", recording.SourceMicrophone, who)
	}
	if p.screen {
		add(files.screen, "screen.ivf", "video", recording.SourceScreen, "speaker0")
	}
	if err := recording.WriteManifest(dir, m); err != nil {
		t.Fatal(err)
	}
	return dir
}
