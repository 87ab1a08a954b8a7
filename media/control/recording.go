package control

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"

	"github.com/onairhq/onair/media/mediactl"
	"github.com/onairhq/onair/media/recording"
	"github.com/onairhq/onair/media/room"
)

// The control API's recording routes, the server side of mediactl's recording methods.
func (c *control) recordingRoutes(mux *http.ServeMux) {
	mux.Handle("POST /control/rooms/{session}/recording/start", c.auth(c.withSession(c.startRecording)))
	mux.Handle("POST /control/rooms/{session}/recording/stop", c.auth(c.withSession(c.stopRecording)))
	mux.Handle("GET /control/recordings/{session}", c.auth(c.withSession(c.recordingStatus)))
	mux.Handle("POST /control/recordings/{session}/finalize", c.auth(c.withSession(c.finalizeRecording)))
	mux.Handle("GET /control/recordings/{session}/file", c.auth(c.withSession(c.recordingFile)))
	mux.Handle("GET /control/recordings/{session}/replay/{name}", c.auth(c.withSession(c.replayFile)))
	mux.Handle("DELETE /control/recordings/{session}", c.auth(c.withSession(c.deleteRecording)))
}

// withSession refuses session ids that could not name a recordings folder (path traversal)
// and nodes that do not record, before any handler touches the disk.
func (c *control) withSession(next func(w http.ResponseWriter, r *http.Request, session string)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		session := r.PathValue("session")
		if err := recording.ValidSessionID(session); err != nil {
			writeProblem(w, http.StatusBadRequest, err.Error())
			return
		}
		if c.recordings == nil {
			writeProblem(w, http.StatusServiceUnavailable, room.ErrRecordingUnavailable.Error())
			return
		}
		next(w, r, session)
	}
}

// decodeOpenRequest reads open's optional body; an empty body is a plain open.
func decodeOpenRequest(w http.ResponseWriter, r *http.Request) (mediactl.OpenRequest, bool) {
	var req mediactl.OpenRequest
	err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10)).Decode(&req)
	if err != nil && !errors.Is(err, io.EOF) {
		writeProblem(w, http.StatusBadRequest, "body must be empty or {\"workspace_id\": ..., \"auto_record\": ...}")
		return req, false
	}
	return req, true
}

// autoRecord starts recording a room that just went live (the event's auto-record setting).
func (c *control) autoRecord(w http.ResponseWriter, rm *room.Room) bool {
	if _, err := rm.StartRecording(); err != nil {
		c.log.Error("auto-record", "session", rm.SessionID(), "err", err)
		c.writeRecordingError(w, err)
		return false
	}
	return true
}

func (c *control) startRecording(w http.ResponseWriter, _ *http.Request, session string) {
	rm, ok := c.rooms.Get(session)
	if !ok {
		writeProblem(w, http.StatusNotFound, "no such room on this media node")
		return
	}
	st, err := rm.StartRecording()
	if err != nil {
		c.writeRecordingError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

// stopRecording is idempotent: a recording already stopped (or never started here) answers
// with what is on disk.
func (c *control) stopRecording(w http.ResponseWriter, _ *http.Request, session string) {
	var st mediactl.RecordingStatus
	err := recording.ErrNotRecording
	if rm, ok := c.rooms.Get(session); ok {
		st, err = rm.StopRecording()
	}
	if errors.Is(err, recording.ErrNotRecording) {
		st, err = c.recordings.Status(session)
		if err == nil && st.State == mediactl.RecordingIdle {
			writeProblem(w, http.StatusNotFound, "nothing was recorded for this session")
			return
		}
	}
	if err != nil {
		c.writeRecordingError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

func (c *control) recordingStatus(w http.ResponseWriter, _ *http.Request, session string) {
	st, err := c.recordings.Status(session)
	if err != nil {
		c.writeRecordingError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

func (c *control) finalizeRecording(w http.ResponseWriter, _ *http.Request, session string) {
	fin, err := c.recordings.Finalize(session)
	if err != nil {
		c.writeRecordingError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, fin)
}

// recordingFile serves the finalized WebM with http.ServeContent, so Range requests work.
func (c *control) recordingFile(w http.ResponseWriter, r *http.Request, session string) {
	st, err := c.recordings.Status(session)
	if err == nil && st.State != mediactl.RecordingFinalized {
		err = recording.ErrNothing
	}
	var f *os.File
	if err == nil {
		f, err = c.recordings.OpenFinal(session)
	}
	if err != nil {
		c.writeRecordingError(w, err)
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		c.writeRecordingError(w, err)
		return
	}
	w.Header().Set("Content-Type", "video/webm")
	http.ServeContent(w, r, recording.FinalName, fi.ModTime(), f)
}

// replayFile serves a file of the composite replay (the MP4, the HLS playlist or a segment)
// with http.ServeContent, so Range requests work. The replay is only ever renamed into place
// whole, so any file found here belongs to a finished, checked replay.
func (c *control) replayFile(w http.ResponseWriter, r *http.Request, session string) {
	name := r.PathValue("name")
	f, err := c.recordings.OpenReplay(session, name)
	if err != nil {
		c.writeRecordingError(w, err)
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		writeProblem(w, http.StatusNotFound, "no such replay file")
		return
	}
	w.Header().Set("Content-Type", mediactl.ReplayContentType(name))
	http.ServeContent(w, r, name, fi.ModTime(), f)
}

func (c *control) deleteRecording(w http.ResponseWriter, _ *http.Request, session string) {
	if err := c.recordings.Delete(session); err != nil {
		c.writeRecordingError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (c *control) writeRecordingError(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, recording.ErrBadSessionID):
		writeProblem(w, http.StatusBadRequest, err.Error())
	case errors.Is(err, recording.ErrNothing), errors.Is(err, os.ErrNotExist):
		writeProblem(w, http.StatusNotFound, "nothing was recorded for this session")
	case errors.Is(err, recording.ErrFinalizing):
		writeProblem(w, http.StatusConflict, "the recording is being finalized; try again shortly")
	case errors.Is(err, recording.ErrStillRecording):
		writeProblem(w, http.StatusConflict, "the session is still recording; stop it first")
	case errors.Is(err, recording.ErrFinalized):
		writeProblem(w, http.StatusConflict, "the recording is finalized; delete it to record again")
	case errors.Is(err, room.ErrRoomClosed):
		writeProblem(w, http.StatusConflict, "the room closed")
	case errors.Is(err, room.ErrRecordingUnavailable):
		writeProblem(w, http.StatusServiceUnavailable, err.Error())
	default:
		c.log.Error("recording control", "err", err)
		writeProblem(w, http.StatusInternalServerError, "the recording could not be handled; see the media node's log")
	}
}
