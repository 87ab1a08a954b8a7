package api

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/store"
)

// Session and event reports (issue 18): JSON for API clients, and a page for team members.
// Reading a report is reading the session like its registrants list (workspace.view, the
// same right that lists registrants with their names and addresses), so no new permission.
//
// The page: team members authenticate with API keys, which a browser cannot send on a
// link, so an authenticated call (POST …/report/link, or `onair sessions report <id>`)
// issues a short-lived link to the page, signed under a subkey of the link key. The link
// names the workspace and the object and expires: it opens one report, read-only, for
// reportLinkDefault unless asked otherwise (?minutes=, at most reportLinkMax).

// reportLinkDefault and reportLinkMax bound a report link's life.
const (
	reportLinkDefault = 60 * time.Minute
	reportLinkMax     = 24 * time.Hour
)

// reportLink is a signed link to a report page.
type reportLink struct {
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expires_at"`
}

var minutesParam = param{Name: "minutes", Description: "how long the link works, in minutes (1 to 1440; 60 by default)"}

func (s *Server) reportRoutes() {
	s.add(route{ID: "getSessionReport", Method: http.MethodGet, Path: "/v1/sessions/:id/report", Tag: "reports", Action: authz.WorkspaceView,
		Summary:  "A session's report: registrants by status and source, live and replay attendance, the viewers per minute, time watched, polls, questions, calls to action, reactions and the most engaged attendees",
		Response: store.SessionReport{}, Handler: s.sessionReport})
	s.add(route{ID: "getEventReport", Method: http.MethodGet, Path: "/v1/events/:id/report", Tag: "reports", Action: authz.WorkspaceView,
		Summary:  "An event's report: its sessions' reports summed, each session's figures, and the most engaged attendees of all",
		Response: store.EventReport{}, Handler: s.eventReport})
	s.add(route{ID: "createSessionReportLink", Query: []param{minutesParam}, Method: http.MethodPost, Path: "/v1/sessions/:id/report/link", Tag: "reports", Action: authz.WorkspaceView,
		Summary:  "A short-lived link to the session's report page, to open in a browser (no API key needed while it lasts)",
		Response: reportLink{}, Status: http.StatusCreated, Handler: s.reportLinkOf(reportSession)})
	s.add(route{ID: "createEventReportLink", Query: []param{minutesParam}, Method: http.MethodPost, Path: "/v1/events/:id/report/link", Tag: "reports", Action: authz.WorkspaceView,
		Summary:  "A short-lived link to the event's report page, to open in a browser",
		Response: reportLink{}, Status: http.StatusCreated, Handler: s.reportLinkOf(reportEvent)})
	s.add(route{ID: "sessionReportPage", Query: []param{langParam}, Method: http.MethodGet, Path: "/reports/sessions/:id/:secret", Tag: "reports", Public: true, Limit: limitPersonalLink,
		Summary: "A session's report page, opened with a link from createSessionReportLink", Raw: "text/html", Handler: s.reportPage(reportSession)})
	s.add(route{ID: "eventReportPage", Query: []param{langParam}, Method: http.MethodGet, Path: "/reports/events/:id/:secret", Tag: "reports", Public: true, Limit: limitPersonalLink,
		Summary: "An event's report page, opened with a link from createEventReportLink", Raw: "text/html", Handler: s.reportPage(reportEvent)})
}

// reportKind is what a report link opens: "sessions" or "events", as in its path.
type reportKind string

const (
	reportSession reportKind = "sessions"
	reportEvent   reportKind = "events"
)

func (s *Server) sessionReport(c *gin.Context) {
	ses, err := s.sessionOf(c)
	if err != nil {
		fail(c, err)
		return
	}
	r, err := store.BuildSessionReport(c.Request.Context(), s.db, ses, store.Now())
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, r)
}

func (s *Server) eventReport(c *gin.Context) {
	ev, err := s.eventOf(c)
	if err != nil {
		fail(c, err)
		return
	}
	r, err := store.BuildEventReport(c.Request.Context(), s.db, ev, store.Now())
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, r)
}

// reportLinkOf issues a link to the report page of the caller's session or event :id.
func (s *Server) reportLinkOf(kind reportKind) gin.HandlerFunc {
	return func(c *gin.Context) {
		life := reportLinkDefault
		if v := c.Query("minutes"); v != "" {
			m, err := strconv.Atoi(v)
			if err != nil || m < 1 || time.Duration(m)*time.Minute > reportLinkMax {
				fail(c, badInput("minutes", "minutes must be a whole number from 1 to 1440"))
				return
			}
			life = time.Duration(m) * time.Minute
		}
		var err error
		if kind == reportSession {
			_, err = s.sessionOf(c)
		} else {
			_, err = s.eventOf(c)
		}
		if err != nil {
			fail(c, err)
			return
		}
		ws, id := caller(c).Workspace.ID, c.Param("id")
		auditObject(c, "report", id)
		expires := time.Now().Add(life).Truncate(time.Second).UTC()
		c.JSON(http.StatusCreated, reportLink{URL: s.site.baseURL + reportPath(kind, id, s.site.reportSecret(kind, ws, id, expires)), ExpiresAt: expires})
	}
}

func reportPath(kind reportKind, id, secret string) string {
	return "/reports/" + string(kind) + "/" + id + "/" + secret
}

// reportMACLen is the length of a report link's MAC: 32 base64url characters, 192 bits.
const reportMACLen = 32

// reportSecret signs a report link: "<workspace>.<expiry, unix seconds>.<mac>".
func (st *site) reportSecret(kind reportKind, ws, id string, expires time.Time) string {
	exp := strconv.FormatInt(expires.Unix(), 10)
	m := hmac.New(sha256.New, st.reportKey)
	m.Write([]byte(string(kind) + "\x00" + ws + "\x00" + id + "\x00" + exp))
	return ws + "." + exp + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))[:reportMACLen]
}

// errReportLinkExpired is a report link whose time is over (the page says to ask for another).
var errReportLinkExpired = errors.New("report link expired")

// reportWorkspace checks a report link's secret for kind and id and returns its workspace:
// store.ErrNotFound for a forged one, errReportLinkExpired for one that was valid.
func (st *site) reportWorkspace(kind reportKind, id, secret string, now time.Time) (string, error) {
	ws, rest, _ := strings.Cut(secret, ".")
	exp, _, _ := strings.Cut(rest, ".")
	unix, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || !store.IsID(ws) || len(st.reportKey) == 0 ||
		!hmac.Equal([]byte(secret), []byte(st.reportSecret(kind, ws, id, time.Unix(unix, 0)))) {
		return "", store.ErrNotFound
	}
	if now.After(time.Unix(unix, 0)) {
		return "", errReportLinkExpired
	}
	return ws, nil
}
