package api

import (
	"errors"
	"io"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/onairhq/onair/media/mediactl"
	"github.com/onairhq/onair/pages"
	"github.com/onairhq/onair/store"
)

// replayRoutes serve a session's replay to its registrants, by the secret of their personal
// link (the one in their e-mails): anyone else gets a 404, as for a link that never existed.
func (s *recordingsAPI) replayRoutes() {
	s.add(route{ID: "replayPage", Method: http.MethodGet, Path: "/replay/:secret", Tag: "replay", Public: true, Limit: limitPersonalLink,
		Summary: "A registrant's replay page (the event's title, date and the video, in its language and brand); each opening counts as a replay view", Raw: "text/html", Handler: s.replayPage})
	s.add(route{ID: "replayVideo", Method: http.MethodGet, Path: "/replay/:secret/video", Tag: "replay", Public: true, Limit: limitPersonalLink,
		Summary: "The replay's WebM, streamed from the media node; Range requests seek", Raw: "video/webm", Handler: s.replayVideo})
}

// replayFor finds the registrant of a replay link whose session has a ready recording, and
// that recording. The registrant comes back with the error too whenever the link matched
// someone, so the page saying why is in their event's language and brand.
func (s *recordingsAPI) replayFor(c *gin.Context) (*store.Registrant, *store.Recording, error) {
	secret := c.Param("secret")
	if len(secret) > 200 {
		return nil, nil, notFound("replay")
	}
	ctx := c.Request.Context()
	reg, err := store.RegistrantByLink(ctx, s.db, s.linkKey, store.LinkJoin, secret)
	linkLookedUp(c, err)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, notFound("replay")
	}
	if err != nil {
		return nil, nil, err
	}
	if reg.Status != store.RegistrantApproved {
		return reg, nil, problem(http.StatusForbidden, "replay-refused", "No replay for this registration",
			"the replay is for approved registrants; this registration is "+reg.Status)
	}
	rec, err := store.RecordingOf(ctx, s.db, reg.SessionID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && rec.Status != store.RecordingReady) {
		return reg, nil, notFound("replay (the session has no recording ready)")
	}
	if err != nil {
		return reg, nil, err
	}
	if s.media == nil {
		return reg, nil, problem(http.StatusServiceUnavailable, "media-unavailable", "Replay unavailable", "no media node is configured")
	}
	return reg, rec, nil
}

// replayView is the replay page's own data beside the layout's.
type replayView struct {
	When     string // the session's start, in its own zone
	Duration string // empty when unknown
	VideoURL string
}

// replayPage shows the replay under the event's title and date, in the workspace's brand and
// the event's language: a plain <video> that plays without JavaScript, and a download link.
// A link without a replay gets a page saying why, in the status the JSON routes give.
func (s *recordingsAPI) replayPage(c *gin.Context) {
	ctx := c.Request.Context()
	reg, rec, err := s.replayFor(c)
	page := s.page(c, nil, nil)
	var subject *sessionSubject
	if reg != nil {
		var loadErr error
		if subject, loadErr = loadSessionSubject(ctx, s.db, reg.WorkspaceID, reg.SessionID); loadErr == nil {
			page = s.page(c, subject.ws, subject.ev)
		} else if err == nil {
			err = loadErr
		}
	}
	c.Header("Referrer-Policy", "no-referrer") // the link is a secret
	if err != nil {
		s.replayRefused(c, page, err)
		return
	}
	if err := store.RecordReplayView(ctx, s.db, reg); err != nil {
		s.replayRefused(c, page, err)
		return
	}
	s.log.Info("replay viewed", "workspace", reg.WorkspaceID, "session", reg.SessionID, "registrant", reg.ID)
	view := replayView{When: page.L.DateTimeIn(subject.ses.StartsAt, subject.ses.Timezone),
		VideoURL: "/replay/" + url.PathEscape(c.Param("secret")) + "/video"}
	if minutes := int((rec.DurationMS + 30_000) / 60_000); minutes > 0 {
		view.Duration = page.L.Duration(minutes)
	}
	page.Title, page.NoIndex, page.Data = subject.ev.Title, true, view
	s.render(c, http.StatusOK, "replay", page)
}

// replayRefused says why a replay link shows no replay, in the status of the JSON routes.
func (s *recordingsAPI) replayRefused(c *gin.Context, page pages.Page, err error) {
	status, key := http.StatusInternalServerError, "failed"
	var p *Problem
	switch {
	case errors.As(err, &p) && p.Status == http.StatusNotFound:
		status, key = p.Status, "not_found"
	case errors.As(err, &p) && p.Status == http.StatusForbidden:
		status, key = p.Status, "refused"
	case errors.As(err, &p) && p.Status == http.StatusServiceUnavailable:
		status, key = p.Status, "unavailable"
	default:
		_ = c.Error(err)
	}
	s.notice(c, status, page, "replay."+key+".title", "replay."+key+".message")
}

// replayVideo passes the Range header to the media node and streams its answer back as is
// (200 or 206 with Content-Range), so players can seek without onair holding the file.
func (s *recordingsAPI) replayVideo(c *gin.Context) {
	reg, _, err := s.replayFor(c)
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
