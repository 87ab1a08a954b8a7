package api

import (
	"errors"
	"html/template"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/onairhq/onair/media/mediactl"
	"github.com/onairhq/onair/store"
)

// replayRoutes serve a session's replay to its registrants, by the secret of their personal
// link (the one in their e-mails): anyone else gets a 404, as for a link that never existed.
func (s *recordingsAPI) replayRoutes() {
	s.add(route{Method: http.MethodGet, Path: "/replay/:secret", Tag: "replay", Public: true, Limit: limitPersonalLink,
		Summary: "A registrant's replay page; each opening counts as a replay view", Raw: "text/html", Handler: s.replayPage})
	s.add(route{Method: http.MethodGet, Path: "/replay/:secret/video", Tag: "replay", Public: true, Limit: limitPersonalLink,
		Summary: "The replay's WebM, streamed from the media node; Range requests seek", Raw: "video/webm", Handler: s.replayVideo})
}

// replayFor finds the registrant of a replay link whose session has a ready recording.
func (s *recordingsAPI) replayFor(c *gin.Context) (*store.Registrant, error) {
	secret := c.Param("secret")
	if len(secret) > 200 {
		return nil, notFound("replay")
	}
	ctx := c.Request.Context()
	reg, err := store.RegistrantByLink(ctx, s.db, s.linkKey, store.LinkJoin, secret)
	linkLookedUp(c, err)
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound("replay")
	}
	if err != nil {
		return nil, err
	}
	if reg.Status != store.RegistrantApproved {
		return nil, problem(http.StatusForbidden, "replay-refused", "No replay for this registration",
			"the replay is for approved registrants; this registration is "+reg.Status)
	}
	rec, err := store.RecordingOf(ctx, s.db, reg.SessionID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && rec.Status != store.RecordingReady) {
		return nil, notFound("replay (the session has no recording ready)")
	}
	if err != nil {
		return nil, err
	}
	if s.media == nil {
		return nil, problem(http.StatusServiceUnavailable, "media-unavailable", "Replay unavailable", "no media node is configured")
	}
	return reg, nil
}

var replayPage = template.Must(template.New("replay").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Replay</title><style>body{margin:0;background:#111;display:flex;justify-content:center}video{width:100%;max-width:1280px}</style></head>
<body><video controls preload="metadata" src="{{.}}"></video></body></html>
`))

func (s *recordingsAPI) replayPage(c *gin.Context) {
	reg, err := s.replayFor(c)
	if err != nil {
		fail(c, err)
		return
	}
	if err := store.RecordReplayView(c.Request.Context(), s.db, reg); err != nil {
		fail(c, err)
		return
	}
	s.log.Info("replay viewed", "workspace", reg.WorkspaceID, "session", reg.SessionID, "registrant", reg.ID)
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Header("Cache-Control", "no-store")
	c.Header("Referrer-Policy", "no-referrer") // the link is a secret
	c.Status(http.StatusOK)
	_ = replayPage.Execute(c.Writer, c.Param("secret")+"/video")
}

// replayVideo passes the Range header to the media node and streams its answer back as is
// (200 or 206 with Content-Range), so players can seek without onair holding the file.
func (s *recordingsAPI) replayVideo(c *gin.Context) {
	reg, err := s.replayFor(c)
	if err != nil {
		fail(c, err)
		return
	}
	resp, err := s.media.RecordingFile(c.Request.Context(), reg.SessionID, c.GetHeader("Range"))
	if errors.Is(err, mediactl.ErrRefused) && c.GetHeader("Range") != "" {
		fail(c, problem(http.StatusRequestedRangeNotSatisfiable, "range-not-satisfiable", "Range not satisfiable",
			"the requested range is outside the replay"))
		return
	}
	if err != nil {
		fail(c, s.mediaProblem(&store.Session{ID: reg.SessionID, WorkspaceID: reg.WorkspaceID}, err))
		return
	}
	defer resp.Body.Close()
	for _, h := range []string{"Content-Type", "Content-Length", "Content-Range", "Accept-Ranges", "Last-Modified", "ETag"} {
		if v := resp.Header.Get(h); v != "" {
			c.Header(h, v)
		}
	}
	if c.Writer.Header().Get("Content-Type") == "" {
		c.Header("Content-Type", "video/webm")
	}
	c.Header("Cache-Control", "private, no-store")
	c.Status(resp.StatusCode)
	if _, err := io.Copy(c.Writer, resp.Body); err != nil {
		s.log.Warn("replay stream ended early", "session", reg.SessionID, "registrant", reg.ID, "err", err)
	}
}
