// Package composite makes a session's replay with ffmpeg from the raw track files the media
// node recorded: every speaker's audio mixed, and every camera and shared screen laid out on
// one picture that follows who was on stage and who shared when. It writes an MP4 (H.264 +
// AAC, faststart) and HLS beside it, checks them with ffprobe, and puts them in place with
// one rename, so a run killed midway leaves nothing under the final name and a second run
// finishes or finds the one output.
package composite

import (
	"math"
	"sort"

	"github.com/onairhq/onair/media/recording"
)

// The replay's picture.
const (
	Width  = 1280
	Height = 720
	FPS    = 25
	// screenWidth is the shared screen's part of the picture; the cameras stand in a strip
	// of the rest, on the right.
	screenWidth = 960
	stripWidth  = Width - screenWidth
	// videoTail is how long a video track's last frame stays up: a camera that stopped
	// leaves the layout a frame-and-a-bit after its last frame.
	videoTailMS = 100
)

// Rect is a place on the picture.
type Rect struct{ X, Y, W, H int }

// Segment is a stretch of the replay with one layout: which video (by index into the
// recording's tracks) goes where, from StartMS to EndMS.
type Segment struct {
	StartMS, EndMS int64
	Places         map[int]Rect
}

// Layout cuts the timeline where a video track starts or ends or the deck (stills, ordered
// and apart, as deckStills leaves them) comes on or goes off, and lays out each stretch: a
// screen (the latest one started, if two) large on the left with up to four cameras in a
// strip on its right; without a screen, one camera fills the picture and more share a grid
// (2 side by side, 3–4 in 2×2, then 3×3 …). Cameras appear in the order they started.
//
// The deck, as index len(tracks), takes the screen's place when no screen is shared: a live
// share wins over a deck left up, since whoever shares means to show that now, and the
// deck comes back when the share ends.
func Layout(tracks []recording.Span, deck []Still, spanMS int64) []Segment {
	cuts := map[int64]bool{0: true, spanMS: true}
	for _, c := range deckCuts(deck) {
		cuts[c] = true
	}
	var videos []int
	for i, t := range tracks {
		if t.Track.Kind != "video" {
			continue
		}
		videos = append(videos, i)
		cuts[min(t.FirstMS, spanMS)] = true
		cuts[min(t.LastMS+videoTailMS, spanMS)] = true
	}
	sort.SliceStable(videos, func(a, b int) bool { return tracks[videos[a]].FirstMS < tracks[videos[b]].FirstMS })
	times := make([]int64, 0, len(cuts))
	for c := range cuts {
		times = append(times, c)
	}
	sort.Slice(times, func(a, b int) bool { return times[a] < times[b] })
	var segs []Segment
	for i := 0; i+1 < len(times); i++ {
		start, end := times[i], times[i+1]
		screen, cameras := -1, []int{}
		for _, v := range videos {
			t := tracks[v]
			if t.FirstMS > start || t.LastMS+videoTailMS < end {
				continue
			}
			if t.Track.SourceOrDefault() == recording.SourceScreen {
				screen = v // videos are in start order: the latest screen wins
			} else {
				cameras = append(cameras, v)
			}
		}
		if screen < 0 && deckShown(deck, start, end) {
			screen = len(tracks)
		}
		places := place(screen, cameras)
		if n := len(segs); n > 0 && samePlaces(segs[n-1].Places, places) {
			segs[n-1].EndMS = end
			continue
		}
		segs = append(segs, Segment{StartMS: start, EndMS: end, Places: places})
	}
	return segs
}

func place(screen int, cameras []int) map[int]Rect {
	places := map[int]Rect{}
	if screen >= 0 {
		places[screen] = Rect{0, 0, screenWidth, Height}
		n := min(len(cameras), 4)
		h := evenDown(min(Height/max(n, 1), stripWidth*9/16))
		top := evenDown((Height - n*h) / 2)
		for i, c := range cameras[:n] {
			places[c] = Rect{screenWidth, top + i*h, stripWidth, h}
		}
		return places
	}
	n := len(cameras)
	if n == 0 {
		return places
	}
	cols := int(math.Ceil(math.Sqrt(float64(n))))
	rows := (n + cols - 1) / cols
	w, h := evenDown(Width/cols), evenDown(Height/rows)
	if n == 2 { // side by side, each 16:9, centred vertically
		h = evenDown(w * 9 / 16)
	}
	top := evenDown((Height - rows*h) / 2)
	for i, c := range cameras {
		places[c] = Rect{(i % cols) * w, top + (i/cols)*h, w, h}
	}
	return places
}

func samePlaces(a, b map[int]Rect) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func evenDown(n int) int { return n &^ 1 } // H.264 in 4:2:0 wants even sizes
