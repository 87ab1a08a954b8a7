package api

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/billing"
	"github.com/onairhq/onair/locale"
	"github.com/onairhq/onair/media/jointoken"
	"github.com/onairhq/onair/media/placement"
	"github.com/onairhq/onair/media/roompage"
	"github.com/onairhq/onair/pages"
	"github.com/onairhq/onair/store"
)

// joinToken is a short-lived media join token and where to use it: the browser opens
// signal_url and sends {"type":"join","session":…,"token":…}.
type joinToken struct {
	Token     string `json:"token"`
	MediaURL  string `json:"media_url"`
	SignalURL string `json:"signal_url"`
	// RoomURL is the media service's room page with this token in its fragment.
	RoomURL   string            `json:"room_url"`
	SessionID string            `json:"session_id"`
	PersonID  string            `json:"person_id"`
	Role      authz.SessionRole `json:"role"`
	Name      string            `json:"name"`
	ExpiresAt time.Time         `json:"expires_at"`
	// Language is the room page's: the event's, else the workspace's, else the caller's
	// Accept-Language.
	Language string `json:"language"`
}

// publicJoinRequest carries the secret of a registrant's or speaker's personal join link.
type publicJoinRequest struct {
	Token string `json:"token" openapi:"required"`
}

func (r *publicJoinRequest) validate() error {
	r.Token = strings.TrimSpace(r.Token)
	if r.Token == "" || len(r.Token) > 200 {
		return badInput("token", "token is the secret of your personal join link")
	}
	return nil
}

func (s *joinAPI) joinRoutes() {
	s.add(route{ID: "createJoinToken", Method: http.MethodPost, Path: "/v1/sessions/:id/join-token", Tag: "live room", Action: authz.WorkspaceView,
		Summary:  "A media join token for the calling team member: host if they host the session (assigned as host, or the event's creator or workspace owner unless assigned otherwise) with host rights, otherwise moderator",
		Response: joinToken{}, Handler: s.memberJoinToken})
	s.add(route{ID: "joinWithLink", Method: http.MethodPost, Path: "/v1/public/join", Tag: "live room", Public: true, Limit: limitPersonalLink,
		Summary: "Exchange a registrant's or external speaker's personal join link for a media join token",
		Request: publicJoinRequest{}, Response: joinToken{}, Handler: s.publicJoin})
	s.joinLinkRoutes()
	s.roomHostRoutes()
}

func (s *joinAPI) memberJoinToken(c *gin.Context) {
	ses, err := s.sessionOf(c)
	if err != nil {
		fail(c, err)
		return
	}
	p := caller(c)
	if p.Member == nil {
		fail(c, problem(http.StatusForbidden, "forbidden", "Permission denied", "join tokens are personal: use a team member's API key"))
		return
	}
	role, err := s.memberSessionRole(c.Request.Context(), p.Workspace, p.Member, ses)
	if err != nil {
		fail(c, err)
		return
	}
	tok, err := s.newJoinToken(c.Request.Context(), ses, p.Workspace, jointoken.Claims{PersonID: p.Member.ID, Role: role, Name: p.Member.Name},
		c.GetHeader("Accept-Language"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, tok)
}

// memberSessionRole is team member m's session role in ses now (spec §4): host when they host
// it (assigned, or its event's creator or the workspace's owner) with host rights.
func (s *joinAPI) memberSessionRole(ctx context.Context, ws *store.Workspace, m *store.Membership, ses *store.Session) (authz.SessionRole, error) {
	host, err := store.IsSessionHost(ctx, s.db, ses, m)
	if err != nil {
		return "", err
	}
	return authz.TeamSessionRole(host, billing.MemberSubject(ws.Plan, m)), nil
}

func (s *joinAPI) publicJoin(c *gin.Context) {
	var req publicJoinRequest
	if err := decode(c, &req); err != nil {
		fail(c, err)
		return
	}
	tok, err := s.joinByLink(c.Request.Context(), req.Token, c.GetHeader("Accept-Language"))
	linkLookedUp(c, err)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, tok)
}

// joinByLink exchanges the secret of a personal join link for a media join token.
func (s *joinAPI) joinByLink(ctx context.Context, secret, acceptLanguage string) (joinToken, error) {
	claims, workspaceID, sessionID, err := s.personByJoinLink(ctx, secret)
	if err != nil {
		return joinToken{}, err
	}
	ses, err := store.Get[store.Session](ctx, s.db, workspaceID, sessionID)
	if err != nil {
		return joinToken{}, err
	}
	ws, err := store.GetWorkspace(ctx, s.db, workspaceID)
	if err != nil {
		return joinToken{}, err
	}
	return s.newJoinToken(ctx, ses, ws, claims, acceptLanguage)
}

// personByJoinLink finds whose personal link this is: an approved registrant (participant)
// or an external speaker.
func (s *joinAPI) personByJoinLink(ctx context.Context, secret string) (jointoken.Claims, string, string, error) {
	reg, err := store.RegistrantByLink(ctx, s.db, s.linkKey, store.LinkJoin, secret)
	if err == nil {
		if reg.Status == store.RegistrantBlocked {
			return jointoken.Claims{}, "", "", problem(http.StatusForbidden, "registrant-blocked", "Blocked from the room",
				"the organizers blocked this registration from the session's live room")
		}
		if reg.Status != store.RegistrantApproved {
			return jointoken.Claims{}, "", "", problem(http.StatusForbidden, "not-approved", "Registration not approved",
				"only approved registrants may join; this registration is "+reg.Status)
		}
		return jointoken.Claims{PersonID: reg.ID, Role: authz.SessionParticipant, Name: reg.Name}, reg.WorkspaceID, reg.SessionID, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return jointoken.Claims{}, "", "", err
	}
	st, err := store.SpeakerByLink(ctx, s.db, s.linkKey, secret)
	if errors.Is(err, store.ErrNotFound) {
		return jointoken.Claims{}, "", "", notFound("join link")
	}
	if err != nil {
		return jointoken.Claims{}, "", "", err
	}
	return jointoken.Claims{PersonID: st.ID, Role: authz.SessionSpeaker, Name: st.Name}, st.WorkspaceID, st.SessionID, nil
}

// newJoinToken signs claims for ses, of workspace ws, with the plan's live-attendee cap and
// what the room page shows (roomPage), for jointoken.TTL, naming the media node the room is
// placed on (placed now on the least-loaded healthy node if it had none or its node died), or,
// for a participant once the room's node has its share of them, an edge of the room.
// acceptLanguage is the browser's, which picks the page's language when neither the event nor
// the workspace has one.
func (s *joinAPI) newJoinToken(ctx context.Context, ses *store.Session, ws *store.Workspace, claims jointoken.Claims, acceptLanguage string) (joinToken, error) {
	if len(s.mediaSecret) == 0 || s.media == nil {
		return joinToken{}, problem(http.StatusServiceUnavailable, "media-unavailable", "Live room unavailable", "no media service is configured")
	}
	if ses.Closed() {
		return joinToken{}, conflict("the session is " + ses.Status)
	}
	room, err := s.media.PlaceJoin(ctx, ses.ID, claims.PersonID, claims.Role == authz.SessionParticipant)
	if errors.Is(err, placement.ErrNoNode) {
		return joinToken{}, problem(http.StatusServiceUnavailable, "media-unavailable", "Live room unavailable",
			"no media node is running with room to spare; try again in a moment")
	}
	if err != nil {
		return joinToken{}, err
	}
	if room.Edge {
		s.log.DebugContext(ctx, "join placed on an edge of the room", "workspace", ses.WorkspaceID, "session", ses.ID, "node", room.NodeID)
	}
	if room.Generation > 1 {
		s.log.InfoContext(ctx, "room placed on another media node", "workspace", ses.WorkspaceID, "session", ses.ID,
			"node", room.NodeID, "generation", room.Generation)
	}
	ev, err := store.Get[store.Event](ctx, s.db, ws.ID, ses.EventID)
	if err != nil {
		return joinToken{}, err
	}
	lang := locale.Choose(acceptLanguage, ev.Language, ws.Language)
	claims.Page = s.roomPage(ev, ses, ws, lang)
	now := time.Now()
	claims.SessionID, claims.WorkspaceID, claims.MediaURL = ses.ID, ses.WorkspaceID, room.PublicURL
	claims.MaxAttendees = billing.PlanOf(ws.Plan).MaxLiveAttendees
	claims.IssuedAt, claims.ExpiresAt = now.Unix(), now.Add(jointoken.TTL).Unix()
	tok, err := jointoken.Sign(s.mediaSecret, claims)
	if err != nil {
		return joinToken{}, err
	}
	return joinToken{Token: tok, MediaURL: room.PublicURL, SignalURL: signalURL(room.PublicURL),
		RoomURL:   roompage.Link(roompage.LinkParams{MediaURL: room.PublicURL, SessionID: ses.ID, Token: tok, Lang: lang}),
		SessionID: ses.ID, PersonID: claims.PersonID, Role: claims.Role, Name: claims.Name, ExpiresAt: claims.Expiry(), Language: lang}, nil
}

// roomPage is what the room page shows about ses: the event's title, the start written in
// lang in the session's own zone (the page adds the visitor's), and the workspace's brand.
func (s *joinAPI) roomPage(ev *store.Event, ses *store.Session, ws *store.Workspace, lang string) *jointoken.Page {
	brand := pages.BrandOf(ws, s.baseURL)
	return &jointoken.Page{Title: ev.Title, StartsAt: ses.StartsAt.Unix(), Timezone: ses.Timezone,
		When: locale.For(lang).DateTimeIn(ses.StartsAt, ses.Timezone), Organization: brand.Name,
		BrandColor: brand.Color, LogoURL: brand.LogoURL}
}

// signalURL is the media service's WebSocket endpoint: http(s) becomes ws(s).
func signalURL(mediaURL string) string {
	u := strings.TrimRight(mediaURL, "/") + jointoken.SignalPath
	if rest, ok := strings.CutPrefix(u, "http"); ok {
		return "ws" + rest
	}
	return u
}
