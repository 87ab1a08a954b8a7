package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/mediactl"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/workflows/contract"
)

// recordingRoutes are the REC button and the post-live retry. The REC button calls the
// media node directly: the room and its recorder live there, recording on/off changes no
// schedule, and a click must not add to the session workflow's history. The workflow stops
// the recording and finalizes it when the session ends.
func (s *Server) recordingRoutes() {
	s.add(route{Method: http.MethodPost, Path: "/v1/sessions/:id/recording/start", Tag: "live room", Action: authz.SessionRecord,
		Summary:  "Start recording a live session (every published track, from now on)",
		Response: mediactl.RecordingStatus{}, Handler: s.recordings.recording(true)})
	s.add(route{Method: http.MethodPost, Path: "/v1/sessions/:id/recording/stop", Tag: "live room", Action: authz.SessionRecord,
		Summary:  "Stop recording; the replay is made from what was recorded when the session ends",
		Response: mediactl.RecordingStatus{}, Handler: s.recordings.recording(false)})
	s.add(route{Method: http.MethodPost, Path: "/v1/sessions/:id/post-live/retry", Tag: "sessions", Action: authz.SessionStartStop,
		Summary:  "Re-run the failed post-live step of a processing_failed session (and the steps after it)",
		Response: store.Session{}, Handler: s.events.sessionUpdate(contract.RetryPostLiveUpdate)})
}

func (s *recordingsAPI) recording(start bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		ses, err := s.sessionOf(c)
		if err != nil {
			fail(c, err)
			return
		}
		auditObject(c, "session", ses.ID)
		if ses.Status != store.SessionLive {
			fail(c, conflict("the session is "+ses.Status+": only a live session records"))
			return
		}
		if s.media == nil {
			fail(c, problem(http.StatusServiceUnavailable, "media-unavailable", "No media node", "no media node is configured"))
			return
		}
		ctx := c.Request.Context()
		var st mediactl.RecordingStatus
		node, err := s.media.ForRoom(ctx, ses.ID)
		switch {
		case err != nil:
		case start:
			st, err = node.StartRecording(ctx, ses.ID)
		default:
			st, err = node.StopRecording(ctx, ses.ID)
		}
		if err != nil {
			fail(c, s.mediaProblem(ses, err))
			return
		}
		s.log.InfoContext(ctx, "recording toggled", "workspace", ses.WorkspaceID, "session", ses.ID, "start", start, "state", st.State)
		c.JSON(http.StatusOK, st)
	}
}

// mediaProblem turns a media node's answer into the caller's problem.
func (s *recordingsAPI) mediaProblem(ses *store.Session, err error) error {
	switch {
	case errors.Is(err, mediactl.ErrNotFound), errors.Is(err, mediactl.ErrConflict):
		return conflict("the media node refused: " + err.Error())
	}
	s.log.Error("media node call failed", "workspace", ses.WorkspaceID, "session", ses.ID, "err", err)
	return problem(http.StatusServiceUnavailable, "media-unavailable", "Try again later", "the media node did not answer")
}
