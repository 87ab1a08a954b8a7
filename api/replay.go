package api

import (
	"cmp"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

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
		Summary: "The replay's video, streamed from the media node: the composite MP4 (a WebM for sessions recorded before composites); Range requests seek",
		Raw:     "video/mp4", RawAlt: []string{"video/webm"}, Handler: s.replayVideo})
	s.add(route{ID: "replayHLS", Method: http.MethodGet, Path: "/replay/:secret/hls/:file", Tag: "replay", Public: true, Limit: limitPersonalLink,
		Summary: "The replay as HLS, streamed from the media node: index.m3u8, then the segments it names (segNNNN.ts); any other name is a 404",
		Raw:     "video/mp2t", RawAlt: []string{"application/vnd.apple.mpegurl"}, Handler: s.replayHLS})
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
	// Sources go into the <video> in this order: a browser plays the first whose type it
	// can (Safari and iOS: the HLS playlist; the others: the MP4), without any script.
	Sources      []videoSource
	DownloadURL  string
	DownloadName string // the file name the download gets: the event's title
	Format       string // the download's, as people know it: MP4 or WebM
}

type videoSource struct{ URL, Type string }

// replaySources are the page's video sources and the download's format: HLS then MP4 for a
// composite replay, the WebM alone for a session recorded before composites.
func replaySources(base string, rec *store.Recording) ([]videoSource, string) {
	if !mediactl.IsReplayMP4(rec.File) {
		return []videoSource{{base + "/video", "video/webm"}}, "WebM"
	}
	return []videoSource{{base + "/hls/" + mediactl.ReplayPlaylist, mediactl.ReplayContentType(mediactl.ReplayPlaylist)},
		{base + "/video", mediactl.ReplayContentType(mediactl.ReplayMP4)}}, "MP4"
}

// fileName makes a title a file name every system accepts.
func fileName(title, ext string) string {
	name := strings.Map(func(r rune) rune {
		if r < ' ' || strings.ContainsRune(`/\:*?"<>|`, r) {
			return ' '
		}
		return r
	}, title)
	return cmp.Or(strings.TrimSpace(name), "replay") + "." + ext
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
	s.log.InfoContext(ctx, "replay viewed", "workspace", reg.WorkspaceID, "session", reg.SessionID, "registrant", reg.ID)
	base := "/replay/" + url.PathEscape(c.Param("secret"))
	view := replayView{When: page.L.DateTimeIn(subject.ses.StartsAt, subject.ses.Timezone), DownloadURL: base + "/video"}
	view.Sources, view.Format = replaySources(base, rec)
	view.DownloadName = fileName(subject.ev.Title, strings.ToLower(view.Format))
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
// (200 or 206 with Content-Range), so players can seek without onair holding the file: the
// composite MP4, or the WebM of a session recorded before composites existed.
func (s *recordingsAPI) replayVideo(c *gin.Context) {
	reg, rec, err := s.replayFor(c)
	if err != nil {
		fail(c, err)
		return
	}
	ctx, rng := c.Request.Context(), c.GetHeader("Range")
	node, err := s.media.ForRecording(ctx, reg.SessionID)
	if err != nil {
		s.relay(c, reg, nil, err)
		return
	}
	if mediactl.IsReplayMP4(rec.File) {
		resp, err := node.ReplayFile(ctx, reg.SessionID, mediactl.ReplayMP4, rng)
		s.relay(c, reg, resp, err)
		return
	}
	resp, err := node.RecordingFile(ctx, reg.SessionID, rng)
	s.relay(c, reg, resp, err)
}

// replayHLS serves the HLS playlist and its segments the same way. Only names the composite
// writes pass (mediactl.ValidReplayFile): anything else is a 404 before the media node is
// asked, and the node checks again.
func (s *recordingsAPI) replayHLS(c *gin.Context) {
	reg, rec, err := s.replayFor(c)
	if err != nil {
		fail(c, err)
		return
	}
	name := c.Param("file")
	if !mediactl.IsReplayMP4(rec.File) || name == mediactl.ReplayMP4 || !mediactl.ValidReplayFile(name) {
		fail(c, notFound("replay file"))
		return
	}
	node, err := s.media.ForRecording(c.Request.Context(), reg.SessionID)
	if err != nil {
		s.relay(c, reg, nil, err)
		return
	}
	resp, err := node.ReplayFile(c.Request.Context(), reg.SessionID, name, c.GetHeader("Range"))
	s.relay(c, reg, resp, err)
}

// relay copies the media node's answer for a replay file to the viewer, its refusals mapped
// to problems: a range outside the file is a 416, a file the node has not a 404.
func (s *recordingsAPI) relay(c *gin.Context, reg *store.Registrant, resp *http.Response, err error) {
	switch {
	case errors.Is(err, mediactl.ErrRefused) && c.GetHeader("Range") != "":
		fail(c, problem(http.StatusRequestedRangeNotSatisfiable, "range-not-satisfiable", "Range not satisfiable",
			"the requested range is outside the replay"))
		return
	case errors.Is(err, mediactl.ErrNotFound):
		// The recording row says ready: a media node without the file does not share the
		// egress worker's recordings volume, or lost it.
		s.log.WarnContext(c.Request.Context(), "replay file missing on the media node", "workspace", reg.WorkspaceID, "session", reg.SessionID, "err", err)
		fail(c, notFound("replay file"))
		return
	case err != nil:
		fail(c, s.mediaProblem(&store.Session{ID: reg.SessionID, WorkspaceID: reg.WorkspaceID}, err))
		return
	}
	defer resp.Body.Close()
	for _, h := range []string{"Content-Type", "Content-Length", "Content-Range", "Accept-Ranges", "Last-Modified", "ETag"} {
		if v := resp.Header.Get(h); v != "" {
			c.Header(h, v)
		}
	}
	c.Header("Cache-Control", "private, no-store")
	c.Status(resp.StatusCode)
	if _, err := io.Copy(c.Writer, resp.Body); err != nil {
		s.log.WarnContext(c.Request.Context(), "replay stream ended early", "session", reg.SessionID, "registrant", reg.ID, "err", err)
	}
}
