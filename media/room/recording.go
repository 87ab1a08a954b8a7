package room

import (
	"fmt"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/mediactl"
	"github.com/onairhq/onair/media/recording"
	"github.com/onairhq/onair/media/wire"
)

// Recording in a room: while a recording runs, every published track's forwarder also feeds
// a recording.Track (the sfu sink hook), from the moment the recording starts or the track is
// published, whichever is later. Disk I/O happens on the recorder's goroutines, never on the
// forwarding path.

// roomRecording is the room's recording now; guarded by Room.mu.
type roomRecording struct {
	session *recording.Session
	tracks  map[*roomTrack]*recording.Track
}

// StartRecording starts recording every published track (idempotent while recording).
func (r *Room) StartRecording() (mediactl.RecordingStatus, error) {
	if r.recordings == nil {
		return mediactl.RecordingStatus{}, ErrRecordingUnavailable
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return mediactl.RecordingStatus{}, ErrRoomClosed
	}
	if r.rec.session != nil {
		return r.rec.session.Status(), nil
	}
	s, err := r.recordings.Start(r.sessionID)
	if err != nil {
		return mediactl.RecordingStatus{}, fmt.Errorf("start recording %s: %w", r.sessionID, err)
	}
	r.rec = roomRecording{session: s, tracks: map[*roomTrack]*recording.Track{}}
	for _, t := range r.tracks {
		if t.published {
			r.recordTrackLocked(t)
		}
	}
	r.broadcastLocked(recordingFrame(mediactl.RecordingActive))
	return s.Status(), nil
}

// StopRecording closes the track files; a room not recording is ErrNotRecording.
func (r *Room) StopRecording() (mediactl.RecordingStatus, error) {
	r.mu.Lock()
	rec := r.detachRecordingLocked()
	r.mu.Unlock()
	if rec.session == nil {
		return mediactl.RecordingStatus{}, recording.ErrNotRecording
	}
	// Outside r.mu: closing waits for each track's disk writer to drain its queue. REC goes
	// off once the files are closed, so "stopped" means finalizable.
	st, err := rec.session.Stop()
	r.mu.Lock()
	r.broadcastLocked(recordingFrame(mediactl.RecordingStopped))
	r.mu.Unlock()
	if err != nil {
		return st, fmt.Errorf("stop recording %s: %w", r.sessionID, err)
	}
	return st, nil
}

func (r *Room) detachRecordingLocked() roomRecording {
	rec := r.rec
	for t, tr := range rec.tracks {
		t.fwd.RemoveSink(tr)
	}
	r.rec = roomRecording{}
	return rec
}

// recordTrackLocked starts writing t if a recording runs and t is not written yet; a video
// track is asked for a keyframe, since its file can start only with one. Only the main room
// is recorded: a track in a breakout group is not written, and one written before resumes
// when its owner is back (breakout_media.go).
func (r *Room) recordTrackLocked(t *roomTrack) {
	if r.rec.session == nil || r.inBreakoutLocked(t.owner) {
		return
	}
	if tr := r.rec.tracks[t]; tr != nil {
		t.fwd.AddSink(tr) // no-op unless paused while its owner was in a group
		t.fwd.RequestKeyframe()
		return
	}
	codec := t.fwd.Codec()
	tr, err := r.rec.session.AddTrack(recording.TrackParams{PersonID: t.owner.id, Name: t.owner.name, Source: t.source, MimeType: codec.MimeType,
		ClockRate: codec.ClockRate, Channels: codec.Channels, RequestKeyframe: t.fwd.RequestKeyframe})
	if err != nil {
		r.log.Warn("track not recorded", "person", t.owner.id, "codec", codec.MimeType, "err", err)
		return
	}
	r.rec.tracks[t] = tr
	t.fwd.AddSink(tr)
	t.fwd.RequestKeyframe()
}

func recordingFrame(state string) wire.Frame {
	return wire.Frame{Type: wire.FrameRecording, Recording: &wire.RecordingState{State: state}}
}

// record is record.start / record.stop from p: hosts only (room.record).
func (r *Room) record(p *Participant, f wire.Frame) error {
	start := f.Type == wire.FrameRecordStart
	r.mu.Lock()
	err := p.canLocked(authz.RoomRecord)
	r.mu.Unlock()
	if err != nil {
		return err
	}
	if start {
		_, err = r.StartRecording()
	} else {
		_, err = r.StopRecording()
	}
	if err != nil {
		r.log.Info("record frame refused", "person", p.id, "start", start, "err", err)
	} else {
		r.log.Info("recording toggled", "person", p.id, "start", start)
	}
	return err
}

// recordingStateLocked is REC for a newcomer's joined frame: nil when not recording.
func (r *Room) recordingStateLocked() *wire.RecordingState {
	if r.rec.session == nil {
		return nil
	}
	return &wire.RecordingState{State: mediactl.RecordingActive}
}
