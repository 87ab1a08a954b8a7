package api

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"
	"github.com/uptrace/bun"

	"github.com/onairhq/onair/media/roompage"
	"github.com/onairhq/onair/store"
)

// The personal link of confirmation e-mails (PUBLIC_URL/join/<secret>) is opened in a browser:
// it is exchanged for a join token like POST /v1/public/join and redirects to the media
// service's room page, token and session in the URL fragment. The fragment also carries the
// link itself, which the page revisits for a fresh token when its token expired: a plain
// navigation, so the API needs no CORS for the media origin. When the room cannot be opened,
// the link answers a hosted page saying why, in the event's language and brand.

func (s *joinAPI) joinLinkRoutes() {
	s.add(route{ID: "openJoinLink", Method: http.MethodGet, Path: "/join/:secret", Tag: "live room", Public: true, Limit: limitPersonalLink,
		Summary: "Open a personal join link in a browser: a redirect (303) to the live room page, or a readable HTML page saying why not (pointing to the replay once the session ended with one)",
		Status:  http.StatusSeeOther, Raw: "text/html", Handler: s.openJoinLink})
}

func (s *joinAPI) openJoinLink(c *gin.Context) {
	secret := c.Param("secret")
	if len(secret) > 200 {
		s.joinLinkRefused(c, "", notFound("join link"))
		return
	}
	tok, err := s.joinByLink(c.Request.Context(), secret, c.GetHeader("Accept-Language"))
	linkLookedUp(c, err)
	if err != nil {
		s.joinLinkRefused(c, secret, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Header("Referrer-Policy", "no-referrer")
	c.Redirect(http.StatusSeeOther, roompage.Link(roompage.LinkParams{
		MediaURL: tok.MediaURL, SessionID: tok.SessionID, Token: tok.Token, Lang: tok.Language,
		Rejoin: s.baseURL + "/join/" + url.PathEscape(secret),
	}))
}

// joinLinkRefusal is the page's own data beside the layout's.
type joinLinkRefusal struct {
	Message string
	// Event and When name the session the link is for; empty for a link that matches nothing.
	Event, When string
	ReplayURL   string // the replay of an ended session, for a registrant who may watch it
}

// joinLinkRefused answers a browser with a page in the status the API would give, saying why
// the room does not open, in the event's language and the workspace's brand.
func (s *joinAPI) joinLinkRefused(c *gin.Context, secret string, err error) {
	status, key := http.StatusInternalServerError, "failed"
	var p *Problem
	switch {
	case errors.As(err, &p) && p.Type == problemBase+"not-approved":
		status, key = p.Status, "not_approved"
	case errors.As(err, &p) && p.Type == problemBase+"registrant-blocked":
		status, key = p.Status, "blocked"
	case errors.As(err, &p) && p.Status == http.StatusNotFound, errors.Is(err, store.ErrNotFound):
		status, key = http.StatusNotFound, "invalid"
	case errors.As(err, &p) && p.Status == http.StatusConflict:
		status, key = http.StatusGone, "ended"
	case errors.As(err, &p) && p.Status == http.StatusServiceUnavailable:
		status, key = p.Status, "unavailable"
	default:
		_ = c.Error(err)
	}
	page := s.page(c, nil, nil)
	var data joinLinkRefusal
	if key != "invalid" && secret != "" {
		subject, reg := s.linkSubject(c.Request.Context(), secret)
		if subject != nil {
			page = s.page(c, subject.ws, subject.ev)
			data.Event, data.When = subject.ev.Title, page.L.DateTimeIn(subject.ses.StartsAt, subject.ses.Timezone)
			if key == "ended" && subject.ses.Status == store.SessionCancelled {
				key = "cancelled"
			}
			if key == "ended" && reg != nil && s.replayReady(c.Request.Context(), subject.ses.ID) {
				key, data.ReplayURL = "ended_replay", s.baseURL+"/replay/"+url.PathEscape(secret)
			}
		}
	}
	page.Title, page.NoIndex = page.L.T("joinlink."+key+".title"), true
	data.Message = page.L.T("joinlink." + key + ".message")
	page.Data = data
	c.Header("Referrer-Policy", "no-referrer") // the link is a secret
	s.render(c, status, "joinlink", page)
}

// linkSubject is the session, event and workspace of a personal join link, with its
// registrant when it is a registrant's (a speaker's link has none); nil when the link
// matches nothing or they cannot be read (the page then goes unbranded).
func (s *joinAPI) linkSubject(ctx context.Context, secret string) (*sessionSubject, *store.Registrant) {
	var reg *store.Registrant
	workspaceID, sessionID := "", ""
	if r, err := store.RegistrantByLink(ctx, s.db, s.linkKey, store.LinkJoin, secret); err == nil {
		reg, workspaceID, sessionID = r, r.WorkspaceID, r.SessionID
	} else if st, err := store.SpeakerByLink(ctx, s.db, s.linkKey, secret); err == nil {
		workspaceID, sessionID = st.WorkspaceID, st.SessionID
	} else {
		return nil, nil
	}
	subject, err := loadSessionSubject(ctx, s.db, workspaceID, sessionID)
	if err != nil {
		s.log.WarnContext(ctx, "join link page without its event", "workspace", workspaceID, "session", sessionID, "err", err)
		return nil, nil
	}
	return subject, reg
}

// replayReady reports whether the session's recording is ready to watch.
func (s *joinAPI) replayReady(ctx context.Context, sessionID string) bool {
	rec, err := store.RecordingOf(ctx, s.db, sessionID)
	return err == nil && rec.Status == store.RecordingReady
}

// sessionSubject is what a personal link's pages show about its session.
type sessionSubject struct {
	ws  *store.Workspace
	ev  *store.Event
	ses *store.Session
}

// loadSessionSubject reads a session with its event and workspace.
func loadSessionSubject(ctx context.Context, db bun.IDB, workspaceID, sessionID string) (*sessionSubject, error) {
	ses, err := store.Get[store.Session](ctx, db, workspaceID, sessionID)
	if err != nil {
		return nil, err
	}
	ev, err := store.Get[store.Event](ctx, db, workspaceID, ses.EventID)
	if err != nil {
		return nil, err
	}
	ws, err := store.GetWorkspace(ctx, db, workspaceID)
	if err != nil {
		return nil, err
	}
	return &sessionSubject{ws: ws, ev: ev, ses: ses}, nil
}
