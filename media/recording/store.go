// Package recording writes a session's published tracks to disk as their packets arrive
// (VP8 → IVF, Opus → Ogg), keeps a manifest beside them so a restarted node can still report
// and finalize, and muxes the raw files into one WebM. It knows nothing of rooms or
// signaling: media/ feeds it packets through the forwarders' sink hook.
package recording

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"time"

	"github.com/onairhq/onair/media/mediactl"
)

// Errors callers map to answers.
var (
	ErrBadSessionID   = errors.New("recording: session id must be 1-128 letters, digits, '_' or '-'")
	ErrNothing        = errors.New("recording: nothing recorded for this session")
	ErrStillRecording = errors.New("recording: still recording")
	ErrFinalized      = errors.New("recording: already finalized; delete it to record again")
	ErrNotRecording   = errors.New("recording: not recording")
	ErrFinalizing     = errors.New("recording: being finalized")
)

// Session ids become directory names, so only a safe alphabet passes: no separators, no dots.
var sessionIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)

// ValidSessionID reports whether id may name a recording directory.
func ValidSessionID(id string) error {
	if !sessionIDPattern.MatchString(id) {
		return ErrBadSessionID
	}
	return nil
}

// StoreParams builds a Store.
type StoreParams struct {
	Dir    string // the recordings directory (ONAIR_RECORDINGS_DIR)
	Now    func() time.Time
	Logger *slog.Logger
	// QueuePackets bounds each track's queue between the forwarding goroutine and the disk
	// writer; zero means defaultQueuePackets. Beyond it packets are dropped and counted.
	QueuePackets int
}

// Store is the recordings directory: one folder per session, and the sessions recording now.
type Store struct {
	dir   string
	now   func() time.Time
	log   *slog.Logger
	queue int

	mu         sync.Mutex // guards active and finalizing
	active     map[string]*Session
	finalizing map[string]bool // muxing now, outside mu: a long mux must not hold up other rooms
}

// NewStore creates the directory if needed.
func NewStore(p StoreParams) (*Store, error) {
	if p.Now == nil {
		p.Now = time.Now
	}
	if p.Logger == nil {
		p.Logger = slog.New(slog.DiscardHandler)
	}
	if p.QueuePackets <= 0 {
		p.QueuePackets = defaultQueuePackets
	}
	if err := os.MkdirAll(p.Dir, 0o750); err != nil {
		return nil, fmt.Errorf("recording: create %s: %w", p.Dir, err)
	}
	return &Store{dir: p.Dir, now: p.Now, log: p.Logger, queue: p.QueuePackets,
		active: map[string]*Session{}, finalizing: map[string]bool{}}, nil
}

func (st *Store) sessionDir(id string) string { return filepath.Join(st.dir, id) }

// Start begins (or, after a stop, resumes) the session's recording; while recording it
// returns the running one. A finalized recording is not reopened: ErrFinalized.
func (st *Store) Start(sessionID string) (*Session, error) {
	if err := ValidSessionID(sessionID); err != nil {
		return nil, err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if s, ok := st.active[sessionID]; ok {
		return s, nil
	}
	if st.finalizing[sessionID] {
		return nil, ErrFinalizing
	}
	dir := st.sessionDir(sessionID)
	m, err := readManifest(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		m = &Manifest{SessionID: sessionID, StartedAt: st.now().UTC()}
	case err != nil:
		return nil, err
	case m.Finalized != nil:
		return nil, ErrFinalized
	}
	m.State, m.StoppedAt = mediactl.RecordingActive, nil
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("recording: create %s: %w", dir, err)
	}
	if err := WriteManifest(dir, m); err != nil {
		return nil, err
	}
	s := &Session{store: st, dir: dir, manifest: m, log: st.log.With("session", sessionID)}
	st.active[sessionID] = s
	s.log.Info("recording started")
	return s, nil
}

// Status reports the session's recording: live counters while recording, otherwise what the
// manifest on disk says (also after a restart). Never recorded is state idle.
func (st *Store) Status(sessionID string) (mediactl.RecordingStatus, error) {
	if err := ValidSessionID(sessionID); err != nil {
		return mediactl.RecordingStatus{}, err
	}
	st.mu.Lock()
	s, ok := st.active[sessionID]
	st.mu.Unlock()
	if ok {
		return s.Status(), nil
	}
	m, err := readManifest(st.sessionDir(sessionID))
	if errors.Is(err, os.ErrNotExist) {
		return mediactl.RecordingStatus{SessionID: sessionID, State: mediactl.RecordingIdle, Tracks: []mediactl.TrackFile{}}, nil
	}
	if err != nil {
		return mediactl.RecordingStatus{}, err
	}
	return m.status(st.sessionDir(sessionID)), nil
}

// Stop ends the session's recording if it runs here; ErrNotRecording otherwise.
func (st *Store) Stop(sessionID string) (mediactl.RecordingStatus, error) {
	st.mu.Lock()
	s, ok := st.active[sessionID]
	st.mu.Unlock()
	if !ok {
		return mediactl.RecordingStatus{}, ErrNotRecording
	}
	return s.Stop()
}

func (st *Store) forget(s *Session) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.active[s.manifest.SessionID] == s {
		delete(st.active, s.manifest.SessionID)
	}
}

// Delete erases every file of the session's recording. ErrNothing when none exists,
// ErrStillRecording while it runs.
func (st *Store) Delete(sessionID string) error {
	if err := ValidSessionID(sessionID); err != nil {
		return err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if err := st.idleLocked(sessionID); err != nil {
		return err
	}
	dir := st.sessionDir(sessionID)
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		return ErrNothing
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("recording: delete %s: %w", sessionID, err)
	}
	st.log.Info("recording deleted", "session", sessionID)
	return nil
}

// idleLocked refuses a session that is recording or being finalized now.
func (st *Store) idleLocked(sessionID string) error {
	if _, ok := st.active[sessionID]; ok {
		return ErrStillRecording
	}
	if st.finalizing[sessionID] {
		return ErrFinalizing
	}
	return nil
}

// OpenFinal opens the session's finalized WebM for reading.
func (st *Store) OpenFinal(sessionID string) (*os.File, error) {
	if err := ValidSessionID(sessionID); err != nil {
		return nil, err
	}
	f, err := os.Open(filepath.Join(st.sessionDir(sessionID), FinalName))
	if err != nil {
		return nil, fmt.Errorf("recording: open %s: %w", sessionID, err)
	}
	return f, nil
}

// OpenReplay opens a file of the session's composite replay (mediactl.ValidReplayFile names
// them), which the egress worker wrote to the shared volume. A name that is not one of those
// is os.ErrNotExist: nothing outside the replay folder is ever opened.
func (st *Store) OpenReplay(sessionID, name string) (*os.File, error) {
	if err := ValidSessionID(sessionID); err != nil {
		return nil, err
	}
	if !mediactl.ValidReplayFile(name) {
		return nil, fmt.Errorf("recording: replay file %q: %w", name, os.ErrNotExist)
	}
	f, err := os.Open(filepath.Join(st.sessionDir(sessionID), mediactl.ReplayDir, name))
	if err != nil {
		return nil, fmt.Errorf("recording: open %s's replay: %w", sessionID, err)
	}
	return f, nil
}
