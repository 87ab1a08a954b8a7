package mediatest

import (
	"os"
	"testing"
	"time"

	"github.com/at-wat/ebml-go"
	"github.com/at-wat/ebml-go/webm"
)

// WebM is what a player would see of a WebM: its tracks, duration and block times.
type WebM struct {
	Tracks     map[string]webm.TrackEntry // by codec id
	DurationMS int64
	Blocks     map[uint64][]int64 // track number → block timestamps (ms)
	Cues       int                // seek points
}

// ParseWebM reads the WebM at path, failing the test if it does not parse.
func ParseWebM(t *testing.T, path string) WebM {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var doc struct {
		Header  webm.EBMLHeader `ebml:"EBML"`
		Segment webm.Segment    `ebml:"Segment"`
	}
	if err := ebml.Unmarshal(f, &doc); err != nil {
		t.Fatalf("WebM does not parse: %v", err)
	}
	if doc.Header.DocType != "webm" {
		t.Fatalf("doc type %q, want webm", doc.Header.DocType)
	}
	out := WebM{Tracks: map[string]webm.TrackEntry{}, Blocks: map[uint64][]int64{},
		DurationMS: int64(doc.Segment.Info.Duration * float64(doc.Segment.Info.TimecodeScale) / 1e6)}
	if doc.Segment.Cues != nil {
		out.Cues = len(doc.Segment.Cues.CuePoint)
	}
	for _, e := range doc.Segment.Tracks.TrackEntry {
		out.Tracks[e.CodecID] = e
	}
	for _, c := range doc.Segment.Cluster {
		for _, b := range c.SimpleBlock {
			out.Blocks[b.TrackNumber] = append(out.Blocks[b.TrackNumber], int64(c.Timecode)+int64(b.Timecode))
		}
	}
	return out
}

// AssertWebM checks a playable recording of about length: one VP8 and one Opus track, each
// with blocks in time order, the video starting on a keyframe-sized picture, and a duration
// within half a second of length (start and stop travel over the signaling socket).
func AssertWebM(t *testing.T, got WebM, length time.Duration) {
	t.Helper()
	video, hasVideo := got.Tracks["V_VP8"]
	audio, hasAudio := got.Tracks["A_OPUS"]
	if !hasVideo || !hasAudio || len(got.Tracks) != 2 {
		t.Fatalf("WebM tracks %v, want exactly V_VP8 and A_OPUS", got.Tracks)
	}
	if video.Video == nil || video.Video.PixelWidth != 320 || video.Video.PixelHeight != 240 {
		t.Errorf("video track %+v, want 320×240 from the keyframes", video.Video)
	}
	if got.Cues == 0 {
		t.Error("no Cues: a replay could not seek")
	}
	if audio.Audio == nil || audio.Audio.SamplingFrequency != 48000 || len(audio.CodecPrivate) != 19 {
		t.Errorf("audio track %+v, want 48 kHz Opus with its OpusHead", audio)
	}
	for _, e := range []webm.TrackEntry{video, audio} {
		ts := got.Blocks[e.TrackNumber]
		if len(ts) < 10 {
			t.Fatalf("%s track has %d blocks", e.CodecID, len(ts))
		}
		t.Logf("%s: %d blocks from %d ms to %d ms", e.CodecID, len(ts), ts[0], ts[len(ts)-1])
		for i := 1; i < len(ts); i++ {
			if ts[i] <= ts[i-1] {
				t.Fatalf("%s block %d at %d ms after %d ms", e.CodecID, i, ts[i], ts[i-1])
			}
		}
	}
	if audioMS := int64(len(got.Blocks[audio.TrackNumber])) * 20; diff(audioMS, got.DurationMS) > 300 {
		t.Errorf("%d audio blocks make %d ms, the WebM says %d ms", len(got.Blocks[audio.TrackNumber]), audioMS, got.DurationMS)
	}
	if length > 0 && diff(got.DurationMS, length.Milliseconds()) > 500 {
		t.Errorf("WebM duration %d ms, recorded for %d ms", got.DurationMS, length.Milliseconds())
	}
}

func diff(a, b int64) int64 {
	if a > b {
		return a - b
	}
	return b - a
}
