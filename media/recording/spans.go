package recording

import (
	"fmt"
	"time"
)

// Span is a track file's extent on the recording's timeline, read from the file itself.
type Span struct {
	Track         ManifestTrack
	FirstMS       int64 // the first frame, ms after the recording's start
	LastMS        int64 // the last frame's start
	Frames        int
	Width, Height int // video: the first keyframe's size
}

// Recorded is what a recordings folder holds: the manifest, the recorded span, and every
// track file with at least one frame, in manifest order. The folder must not be recording.
type Recorded struct {
	Manifest *Manifest
	Span     time.Duration // from the start to the stop (or the last frame, after a crash)
	Tracks   []Span
}

// ReadRecorded reads a session folder's manifest and scans its track files (the composite
// replay's input, on a worker that shares the recordings volume).
func ReadRecorded(dir string) (Recorded, error) {
	m, err := readManifest(dir)
	if err != nil {
		return Recorded{}, err
	}
	rec := Recorded{Manifest: m}
	var lastMS int64
	for _, t := range m.Tracks {
		s, err := scanSpan(dir, t)
		if err != nil {
			return Recorded{}, fmt.Errorf("recording: scan %s: %w", t.File, err)
		}
		if s.frames == 0 {
			continue
		}
		rec.Tracks = append(rec.Tracks, Span{Track: t, FirstMS: s.first, LastMS: s.last, Frames: s.frames,
			Width: int(s.width), Height: int(s.height)})
		lastMS = max(lastMS, s.last)
	}
	if m.StoppedAt != nil {
		rec.Span = m.StoppedAt.Sub(m.StartedAt)
	} else {
		rec.Span = time.Duration(lastMS) * time.Millisecond
	}
	return rec, nil
}
