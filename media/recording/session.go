package recording

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/onairhq/onair/media/mediactl"
)

// ErrUnsupportedCodec refuses a track the recorder cannot write (only VP8 and Opus).
var ErrUnsupportedCodec = errors.New("recording: unsupported codec")

// Session is one session's recording in progress on this node.
type Session struct {
	store *Store
	dir   string
	log   *slog.Logger

	mu       sync.Mutex // guards manifest, tracks, stopped; held while the manifest is written
	manifest *Manifest
	tracks   []*Track
	stopped  bool
}

// TrackParams describes a published track to record.
type TrackParams struct {
	PersonID  string
	Name      string // the person's display name
	Source    string // SourceCamera (default for video), SourceScreen, SourceMicrophone (default for audio)
	MimeType  string // video/VP8 or audio/opus
	ClockRate uint32
	Channels  uint16
	// RequestKeyframe asks the publisher for a keyframe (video): called when a lost packet
	// leaves the file unable to decode until the next one. Optional.
	RequestKeyframe func()
}

// AddTrack opens a new file for a track and returns its packet sink.
func (s *Session) AddTrack(p TrackParams) (*Track, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return nil, ErrNotRecording
	}
	kind, ext := "", ""
	switch strings.ToLower(p.MimeType) {
	case "video/vp8":
		kind, ext = "video", "ivf"
	case "audio/opus":
		kind, ext = "audio", "ogg"
	default:
		return nil, fmt.Errorf("%w: %s", ErrUnsupportedCodec, p.MimeType)
	}
	index := len(s.manifest.Tracks)
	f, name, err := createTrackFile(s.dir, index+1, kind, ext)
	if err != nil {
		return nil, err
	}
	var out frameWriter
	if kind == "video" {
		out = newIVFWriter(f, p.RequestKeyframe)
	} else if out, err = newOggOpusWriter(f, p.Channels); err != nil {
		f.Close()
		return nil, fmt.Errorf("recording: start %s: %w", name, err)
	}
	mt := ManifestTrack{File: name, PersonID: p.PersonID, Name: p.Name, Kind: kind, Source: p.Source,
		Codec: p.MimeType, ClockRate: p.ClockRate, Channels: p.Channels}
	mt.Source = mt.SourceOrDefault()
	s.manifest.Tracks = append(s.manifest.Tracks, mt)
	if err := writeManifest(s.dir, s.manifest); err != nil {
		f.Close()
		_ = os.Remove(f.Name()) // not in the manifest: nothing would ever read it
		s.manifest.Tracks = s.manifest.Tracks[:index]
		return nil, err
	}
	queue := s.store.queue
	if kind == "audio" {
		queue = max(queue/4, 16) // ~50 packets/s against video's ~200: the same seconds of slack
	}
	t := newTrack(s, index, f, out, queue)
	s.tracks = append(s.tracks, t)
	s.log.Info("recording track", "person", p.PersonID, "kind", kind, "source", mt.Source, "file", name)
	return t, nil
}

// anchor places a track's first packet, arrived at, on the recording's timeline (writer
// goroutine).
func (s *Session) anchor(index int, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if at.IsZero() {
		at = s.store.now()
	}
	// Never before the start, even if the clock stepped back since.
	offset := max(at.Sub(s.manifest.StartedAt).Milliseconds(), 0)
	s.manifest.Tracks[index].StartOffsetMS = &offset
	if err := writeManifest(s.dir, s.manifest); err != nil {
		s.log.Warn("recording manifest", "err", err)
	}
}

// Status reports the recording with live counters.
func (s *Session) Status() mediactl.RecordingStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.statusLocked()
}

func (s *Session) statusLocked() mediactl.RecordingStatus {
	st := s.manifest.status(s.dir)
	if !s.stopped {
		st.State = mediactl.RecordingActive
	}
	for _, t := range s.tracks { // a resumed recording also lists the earlier files
		st.Tracks[t.index].Packets = t.Packets()
	}
	return st
}

// Stop closes every track file and marks the recording stopped; idempotent.
func (s *Session) Stop() (mediactl.RecordingStatus, error) {
	s.mu.Lock()
	if s.stopped {
		defer s.mu.Unlock()
		return s.statusLocked(), nil
	}
	s.stopped = true
	tracks := s.tracks
	s.mu.Unlock()

	var errs []error
	for _, t := range tracks {
		errs = append(errs, t.close()) // waits for the writer goroutine, which may need s.mu
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.store.now().UTC()
	s.manifest.State, s.manifest.StoppedAt = mediactl.RecordingStopped, &now
	for _, t := range tracks {
		mt := &s.manifest.Tracks[t.index]
		mt.Packets, mt.Dropped, mt.Frames, mt.Early = t.Packets(), t.Dropped(), t.out.frames(), t.early.Load()
		if mt.Dropped > 0 {
			s.log.Warn("recording dropped packets on a full queue", "person", mt.PersonID, "kind", mt.Kind, "dropped", mt.Dropped)
		}
	}
	errs = append(errs, writeManifest(s.dir, s.manifest))
	s.store.forget(s)
	s.log.Info("recording stopped", "tracks", len(tracks), "duration", now.Sub(s.manifest.StartedAt).Round(time.Millisecond))
	return s.statusLocked(), errors.Join(errs...)
}

// maxTrackFiles bounds the names createTrackFile tries; a room never comes near it.
const maxTrackFiles = 10000

// createTrackFile creates a new track file named by number, not person id, so no
// caller-supplied text reaches a path: track-NN-kind.ext from n up, skipping names already
// taken. A file created just before a crash, before the manifest named it, takes one: it is
// left alone (never read, never overwritten) and the track gets the next name.
func createTrackFile(dir string, n int, kind, ext string) (*os.File, string, error) {
	for ; n <= maxTrackFiles; n++ {
		name := fmt.Sprintf("track-%02d-%s.%s", n, kind, ext)
		f, err := os.OpenFile(filepath.Join(dir, name), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return nil, "", fmt.Errorf("recording: create track file: %w", err)
		}
		return f, name, nil
	}
	return nil, "", fmt.Errorf("recording: create track file: %d names taken in %s", maxTrackFiles, dir)
}
