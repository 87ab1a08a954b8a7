package composite_test

import (
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/onairhq/onair/media/composite"
	"github.com/onairhq/onair/media/probe"
	"github.com/onairhq/onair/media/recording"
)

// A speaker's red camera all along, and a deck shown on it: page 1 (blue, 4:3) from 0.5 s,
// page 2 (green, 16:9) from 2 s, the deck closed at 3.2 s, the recording stopped at 4 s.
// The decoded frames show the camera alone full, then each page large on the left (the
// 16:9 page letterboxed in the screen's 4:3 place) with the camera in the strip, then the
// camera alone again.
func TestCompositeDeckInPlaceOfAScreen(t *testing.T) {
	media := t.TempDir()
	files := panelFiles{cameras: []string{makeVideo(t, media, "red", "320x240", 4)}, mics: []string{makeTone(t, media, 440, 4)}}
	dir := writePanel(t, filepath.Join(t.TempDir(), "ses_deck"), files, panel{speakers: 1, span: 4 * time.Second})
	page1 := writeJPEG(t, media, "page1.jpg", 1600, 1200, color.RGBA{0, 0, 230, 255})
	page2 := writeJPEG(t, media, "page2.jpg", 1280, 720, color.RGBA{0, 170, 0, 255})

	res, err := composite.Run(context.Background(), composite.Params{Dir: dir, Stills: []composite.Still{
		{Image: page2, StartMS: 2000, EndMS: 3200}, // out of order: Run orders them
		{Image: page1, StartMS: 500, EndMS: 2000},
	}})
	if err != nil {
		t.Fatal(err)
	}
	mp4, err := probe.Read(context.Background(), res.MP4)
	if err != nil {
		t.Fatal(err)
	}
	if d := mp4.Duration - 4*time.Second; d > 300*time.Millisecond || d < -300*time.Millisecond {
		t.Errorf("the replay lasts %s, want 4s", mp4.Duration)
	}
	layouts := []struct {
		name string
		at   float64
		want map[[2]int]string
	}{
		{"before the deck: the camera full", 0.25, map[[2]int]string{{640, 360}: "red", {200, 360}: "red"}},
		{"page 1 large, the camera in the strip", 1.2, map[[2]int]string{{480, 360}: "blue", {60, 60}: "blue", {900, 680}: "blue", {1120, 360}: "red"}},
		{"page 2 letterboxed, the camera in the strip", 2.6,
			map[[2]int]string{{480, 360}: "green", {60, 120}: "green", {480, 40}: "rgb(0,0,0)", {1120, 360}: "red"}},
		{"the deck closed: the camera full", 3.6, map[[2]int]string{{640, 360}: "red", {200, 360}: "red"}},
	}
	for _, l := range layouts {
		rgb := frameAt(t, res.MP4, l.at)
		for p, want := range l.want {
			if got := colourAt(rgb, p[0], p[1]); got != want {
				t.Errorf("%s (%.2fs): (%d,%d) is %s, want %s", l.name, l.at, p[0], p[1], got, want)
			}
		}
	}
	// The replay folder holds the replay only: the pages and their list were working files.
	entries, err := os.ReadDir(filepath.Dir(res.MP4))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if ext := filepath.Ext(e.Name()); ext == ".png" || ext == ".ffconcat" {
			t.Errorf("the replay folder keeps %s", e.Name())
		}
	}
}

// A deck up while a screen is shared gives way to the share, and comes back after it.
func TestCompositeLayoutScreenWinsOverDeck(t *testing.T) {
	camera := recording.ManifestTrack{Kind: "video", Source: recording.SourceCamera}
	screen := recording.ManifestTrack{Kind: "video", Source: recording.SourceScreen}
	tracks := []recording.Span{
		{Track: camera, FirstMS: 0, LastMS: 9000},
		{Track: screen, FirstMS: 3000, LastMS: 5000},
	}
	deck := []composite.Still{{Image: "a", StartMS: 1000, EndMS: 4000}, {Image: "b", StartMS: 4000, EndMS: 8000}}
	const deckIndex = 2
	type shown struct {
		start, end int64
		large      int // -1: the camera alone
	}
	want := []shown{{0, 1000, -1}, {1000, 3000, deckIndex}, {3000, 5100, 1}, {5100, 8000, deckIndex}, {8000, 9000, -1}}
	segs := composite.Layout(tracks, deck, 9000)
	if len(segs) != len(want) {
		t.Fatalf("layout %+v, want %d stretches %+v", segs, len(want), want)
	}
	for i, s := range segs {
		large := -1
		for v, r := range s.Places {
			if r == (composite.Rect{X: 0, Y: 0, W: 960, H: 720}) {
				large = v
			}
		}
		if s.StartMS != want[i].start || s.EndMS != want[i].end || large != want[i].large {
			t.Errorf("stretch %d: %d–%d ms with %d large, want %+v", i, s.StartMS, s.EndMS, large, want[i])
		}
		if _, ok := s.Places[0]; !ok {
			t.Errorf("stretch %d: the camera is not on the picture", i)
		}
	}
}

func writeJPEG(t *testing.T, dir, name string, w, h int, c color.RGBA) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, c.A
	}
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	if err := jpeg.Encode(f, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return f.Name()
}
