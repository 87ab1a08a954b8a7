package recording

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/onairhq/onair/media/mediactl"
)

const manifestName = "manifest.json"

// Manifest is what a session's folder holds besides the media: enough for a node that did
// not record it (or restarted since) to report and finalize. It is replaced atomically.
type Manifest struct {
	SessionID string          `json:"session_id"`
	State     string          `json:"state"` // recording, stopped, finalized (as last written)
	StartedAt time.Time       `json:"started_at"`
	StoppedAt *time.Time      `json:"stopped_at,omitempty"`
	Tracks    []ManifestTrack `json:"tracks"`
	// Finalized names the WebM once muxed, so finalizing again returns it.
	Finalized *mediactl.FinalizedRecording `json:"finalized,omitempty"`
}

// ManifestTrack is one published track's raw file.
type ManifestTrack struct {
	File     string `json:"file"` // name inside the session folder
	PersonID string `json:"person_id"`
	// Name is the person's display name as the room knew it, for labels in the replay.
	Name string `json:"name,omitempty"`
	Kind string `json:"kind"` // audio or video
	// Source is what the track captures: SourceCamera, SourceScreen or SourceMicrophone. The
	// composite replay lays out cameras and a shared screen differently.
	Source    string `json:"source,omitempty"`
	Codec     string `json:"codec"` // MIME type
	ClockRate uint32 `json:"clock_rate"`
	Channels  uint16 `json:"channels,omitempty"`
	// StartOffsetMS places the file's time zero (its first packet) on the recording's
	// timeline: milliseconds after StartedAt. Nil until the first packet arrived.
	StartOffsetMS *int64 `json:"start_offset_ms,omitempty"`
	// Counters as of the last manifest write; after a crash the file itself is the truth.
	Packets uint64 `json:"packets"`
	Frames  uint64 `json:"frames"`
	Dropped uint64 `json:"dropped"` // packets lost to a full queue
	// Early counts packets dated before the track's first recorded packet (so before the
	// recording started): not written, since nothing may sit before time zero.
	Early uint64 `json:"early,omitempty"`
}

// Track sources, as ManifestTrack.Source and TrackParams.Source name them.
const (
	SourceCamera     = "camera"
	SourceScreen     = "screen"
	SourceMicrophone = "microphone"
)

// SourceOrDefault is the track's source, defaulting by kind for manifests written before sources were
// recorded: video was always a camera then.
func (t ManifestTrack) SourceOrDefault() string {
	switch {
	case t.Source != "":
		return t.Source
	case t.Kind == "video":
		return SourceCamera
	default:
		return SourceMicrophone
	}
}

func readManifest(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, manifestName))
	if err != nil {
		return nil, fmt.Errorf("recording: read manifest: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("recording: manifest of %s is corrupt: %w", dir, err)
	}
	return &m, nil
}

// writeManifest replaces the manifest atomically (temp file, fsync, rename, fsync dir) so a
// crash leaves either the old or the new one, never half of one.
func writeManifest(dir string, m *Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("recording: encode manifest: %w", err)
	}
	tmp, err := os.CreateTemp(dir, manifestName+".*.tmp")
	if err != nil {
		return fmt.Errorf("recording: write manifest: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if _, err := tmp.Write(b); err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(dir, manifestName))
	}
	if err == nil {
		err = syncDir(dir)
	}
	if err != nil {
		return fmt.Errorf("recording: write manifest: %w", err)
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}

// status reports a recording nobody on this node is writing: one left "recording" was cut
// short by a crash, and its files are complete up to then, so it counts as stopped.
func (m *Manifest) status(dir string) mediactl.RecordingStatus {
	st := mediactl.RecordingStatus{SessionID: m.SessionID, State: m.State, Tracks: []mediactl.TrackFile{}}
	if st.State == mediactl.RecordingActive {
		st.State = mediactl.RecordingStopped
	}
	started := m.StartedAt
	st.StartedAt, st.StoppedAt = &started, m.StoppedAt
	for _, t := range m.Tracks {
		path := filepath.Join(dir, t.File)
		var size int64
		if fi, err := os.Stat(path); err == nil {
			size = fi.Size()
		}
		st.Tracks = append(st.Tracks, mediactl.TrackFile{PersonID: t.PersonID, Kind: t.Kind, Codec: t.Codec,
			Path: path, Bytes: size, Packets: t.Packets})
	}
	return st
}
