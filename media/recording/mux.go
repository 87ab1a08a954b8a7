package recording

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync/atomic"

	"github.com/at-wat/ebml-go/mkvcore"
	"github.com/at-wat/ebml-go/webm"

	"github.com/onairhq/onair/media/mediactl"
)

// FinalName is the muxed recording inside a session's folder.
const FinalName = "recording.webm"

const (
	videoTrackNumber = 1
	audioTrackNumber = 2
	cuesReserved     = 32 << 10 // room for ~1500 cue points: one per cluster of a long session
)

// Finalize muxes the session's raw files into one WebM (see compose for which tracks) and
// records it in the manifest; finalizing again returns the same file. ErrNothing when no
// frame was recorded, ErrStillRecording while the recording runs.
func (st *Store) Finalize(sessionID string) (mediactl.FinalizedRecording, error) {
	if err := ValidSessionID(sessionID); err != nil {
		return mediactl.FinalizedRecording{}, err
	}
	if err := st.beginFinalize(sessionID); err != nil {
		return mediactl.FinalizedRecording{}, err
	}
	defer st.endFinalize(sessionID)
	dir := st.sessionDir(sessionID)
	m, err := readManifest(dir)
	if errors.Is(err, os.ErrNotExist) {
		return mediactl.FinalizedRecording{}, ErrNothing
	}
	if err != nil {
		return mediactl.FinalizedRecording{}, err
	}
	if m.Finalized != nil {
		if _, err := os.Stat(m.Finalized.File); err == nil {
			return *m.Finalized, nil
		}
	}
	video, audio, err := compose(dir, m.Tracks)
	if err != nil {
		return mediactl.FinalizedRecording{}, err
	}
	if len(video) == 0 && len(audio) == 0 {
		return mediactl.FinalizedRecording{}, ErrNothing
	}
	out := filepath.Join(dir, FinalName)
	durationMS, err := muxWebM(dir, out, video, audio)
	if err != nil {
		return mediactl.FinalizedRecording{}, err
	}
	fi, err := os.Stat(out)
	if err != nil {
		return mediactl.FinalizedRecording{}, fmt.Errorf("recording: finalize %s: %w", sessionID, err)
	}
	tracks := 0
	for _, spans := range [][]trackSpan{video, audio} {
		if len(spans) > 0 {
			tracks++
		}
	}
	fin := mediactl.FinalizedRecording{SessionID: sessionID, File: out, Bytes: fi.Size(), DurationMS: durationMS, Tracks: tracks}
	m.State, m.Finalized = mediactl.RecordingFinalized, &fin
	if m.StoppedAt == nil { // cut short by a crash: it ended with its files
		t := fi.ModTime().UTC()
		m.StoppedAt = &t
	}
	if err := WriteManifest(dir, m); err != nil {
		return mediactl.FinalizedRecording{}, err
	}
	st.log.Info("recording finalized", "session", sessionID, "bytes", fin.Bytes, "duration_ms", durationMS, "tracks", tracks)
	return fin, nil
}

// beginFinalize claims the session for muxing: not while it records, not twice at once, and
// no Start or Delete until endFinalize.
func (st *Store) beginFinalize(sessionID string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if err := st.idleLocked(sessionID); err != nil {
		return err
	}
	st.finalizing[sessionID] = true
	return nil
}

func (st *Store) endFinalize(sessionID string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	delete(st.finalizing, sessionID)
}

// compose picks what goes in the WebM; nothing is mixed. Video: the longest video file, then
// the same person's other video files that do not overlap it (a pause and resume, a
// reconnect). Audio: the same person's audio files likewise, or, if they sent none, the
// person with the longest audio file. Spans come back in time order.
func compose(dir string, tracks []ManifestTrack) (video, audio []trackSpan, err error) {
	var videos, audios []trackSpan
	for _, t := range tracks {
		s, err := scanSpan(dir, t)
		if err != nil {
			return nil, nil, err
		}
		if s.frames == 0 {
			continue
		}
		if t.Kind == "video" {
			videos = append(videos, s)
		} else {
			audios = append(audios, s)
		}
	}
	video = pickPerson(videos, "")
	person := ""
	if len(video) > 0 {
		person = video[0].track.PersonID
	}
	audio = pickPerson(audios, person)
	if len(audio) == 0 {
		audio = pickPerson(audios, "")
	}
	return video, audio, nil
}

// pickPerson takes the longest span (of person, if given) and adds that person's spans that
// do not overlap any already taken.
func pickPerson(spans []trackSpan, person string) []trackSpan {
	var longest *trackSpan
	for i := range spans {
		s := &spans[i]
		if person != "" && s.track.PersonID != person {
			continue
		}
		if longest == nil || s.last-s.first > longest.last-longest.first {
			longest = s
		}
	}
	if longest == nil {
		return nil
	}
	picked := []trackSpan{*longest}
	for _, s := range spans {
		if s.track.PersonID != longest.track.PersonID || s.track.File == longest.track.File {
			continue
		}
		overlaps := false
		for _, p := range picked {
			overlaps = overlaps || (s.first <= p.last && p.first <= s.last)
		}
		if !overlaps {
			picked = append(picked, s)
		}
	}
	sort.Slice(picked, func(i, j int) bool { return picked[i].first < picked[j].first })
	return picked
}

// muxWebM writes the WebM through a temporary file renamed into place, so a crash while
// muxing never leaves a half file under the final name. It returns the duration in ms.
//
// Layout (ebml-go's block writer with SeekHead and Cues):
//
//	EBML header            DocType webm
//	Segment (unknown size)
//	  SeekHead             → Info, Tracks, Cues
//	  Info                 TimecodeScale 1 ms, Muxing/WritingApp onair, Duration (ms, set at the end)
//	  Tracks               1: V_VP8, PixelWidth/Height of the first keyframe
//	                       2: A_OPUS, CodecPrivate OpusHead, 48 kHz, SeekPreRoll 80 ms
//	  Cues                 one CuePoint per Cluster, in 32 KiB reserved after Tracks
//	  Cluster…             (unknown size) a new one on a video keyframe ≥ 5 s into the current
//	                       one, or at 30 s; SimpleBlocks of both tracks in time order
//
// Block times are ms from the first frame of either track (the first block is at 0).
func muxWebM(dir, out string, video, audio []trackSpan) (int64, error) {
	var entries []webm.TrackEntry
	opts := []mkvcore.BlockWriterOption{
		mkvcore.WithSeekHead(true),
		mkvcore.WithCues(cuesReserved),
		mkvcore.WithSegmentInfo(&webm.Info{TimecodeScale: 1_000_000, MuxingApp: "onair", WritingApp: "onair"}),
	}
	if len(video) > 0 {
		w, h := video[0].width, video[0].height
		entries = append(entries, webm.TrackEntry{Name: "video", TrackNumber: videoTrackNumber, TrackUID: videoTrackNumber,
			CodecID: "V_VP8", TrackType: 1, Video: &webm.Video{PixelWidth: uint64(w), PixelHeight: uint64(h)}})
		// New clusters start on video keyframes at least 5 s apart: seek points for replays.
		opts = append(opts, mkvcore.WithMinMaxClusterDuration(videoTrackNumber, 5000, 30000))
	}
	if len(audio) > 0 {
		channels := audio[0].channels
		if channels == 0 {
			channels = 2
		}
		entries = append(entries, webm.TrackEntry{Name: "audio", TrackNumber: audioTrackNumber, TrackUID: audioTrackNumber,
			CodecID: "A_OPUS", TrackType: 2, CodecPrivate: opusHead(channels),
			SeekPreRoll: 80_000_000, // 80 ms, as the Matroska Opus mapping asks
			Audio:       &webm.Audio{SamplingFrequency: opusClockRate, Channels: uint64(channels)}})
	}
	tmp, err := os.CreateTemp(dir, FinalName+".*.tmp")
	if err != nil {
		return 0, fmt.Errorf("recording: mux: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	// The writer reports a failed file write from its own goroutine, and then takes no more
	// frames: stop feeding it at once.
	var fatal atomic.Pointer[error]
	opts = append(opts, mkvcore.WithOnFatalHandler(func(err error) { fatal.CompareAndSwap(nil, &err) }))
	writers, err := webm.NewSimpleBlockWriter(tmp, entries, opts...)
	if err != nil {
		tmp.Close()
		return 0, fmt.Errorf("recording: mux: %w", err)
	}
	byNumber := map[uint64]webm.BlockWriteCloser{}
	for i, e := range entries {
		byNumber[e.TrackNumber] = writers[i]
	}
	first, last, werr := interleave(dir, video, audio, func(track uint64, f rawFrame) error {
		if err := fatal.Load(); err != nil {
			return *err
		}
		_, err := byNumber[track].Write(f.key, f.ms, f.data)
		return err
	})
	for _, w := range writers {
		if err := w.Close(); werr == nil {
			werr = err
		}
	}
	if err := fatal.Load(); werr == nil && err != nil {
		werr = *err
	}
	if werr != nil {
		return 0, fmt.Errorf("recording: mux: %w", werr)
	}
	// The writer closed tmp; reopen to make its data durable before it takes the final name.
	if err := syncFile(tmp.Name()); err != nil {
		return 0, fmt.Errorf("recording: mux: %w", err)
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return 0, fmt.Errorf("recording: mux: %w", err)
	}
	return last - first, syncDir(dir)
}

// interleave reads the picked files and emits their frames in one time order across both
// tracks, as the WebM writer needs; within a track, a frame not after the previous is skipped.
func interleave(dir string, video, audio []trackSpan, emit func(track uint64, f rawFrame) error) (first, last int64, err error) {
	v, a := newSpanReader(dir, video), newSpanReader(dir, audio)
	defer v.Close()
	defer a.Close()
	vf, vok := v.next()
	af, aok := a.next()
	started := false
	for vok || aok {
		var track uint64
		var f rawFrame
		if vok && (!aok || vf.ms <= af.ms) {
			track, f = videoTrackNumber, vf
			vf, vok = v.next()
		} else {
			track, f = audioTrackNumber, af
			af, aok = a.next()
		}
		if !started {
			first, started = f.ms, true
		}
		last = max(last, f.ms)
		if err := emit(track, f); err != nil {
			return first, last, err
		}
	}
	return first, last, errors.Join(v.err, a.err)
}

// spanReader reads a track's picked files one after another with monotonic timestamps.
type spanReader struct {
	dir   string
	spans []trackSpan
	cur   rawReader
	last  int64
	any   bool
	err   error
}

func newSpanReader(dir string, spans []trackSpan) *spanReader {
	return &spanReader{dir: dir, spans: spans}
}

func (s *spanReader) next() (rawFrame, bool) {
	for {
		if s.cur == nil {
			if len(s.spans) == 0 || s.err != nil {
				return rawFrame{}, false
			}
			s.cur, s.err = openRaw(s.dir, s.spans[0].track)
			s.spans = s.spans[1:]
			if s.cur == nil {
				continue
			}
		}
		f, ok := s.cur.next()
		if !ok {
			s.cur.Close()
			s.cur = nil
			continue
		}
		if s.any && f.ms <= s.last {
			continue
		}
		s.last, s.any = f.ms, true
		return f, true
	}
}

func (s *spanReader) Close() error {
	if s.cur != nil {
		return s.cur.Close()
	}
	return nil
}

// opusHead is the Opus ID header (RFC 7845 §5.1; pre-skip 0): the first Ogg page, and the
// CodecPrivate the Matroska Opus mapping wants.
func opusHead(channels uint8) []byte {
	h := make([]byte, 19)
	copy(h, "OpusHead")
	h[8], h[9] = 1, channels
	binary.LittleEndian.PutUint32(h[12:], opusClockRate)
	return h
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
