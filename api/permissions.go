package api

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/billing"
	"github.com/onairhq/onair/store"
)

// permissionMatrix is GET /v1/permissions: the tables authz decides from.
type permissionMatrix struct {
	Tables []authz.MatrixTable `json:"tables"`
}

// permissionExplanation answers whether a member may do an action (or each
// action, when none is named), and why: the reasons authz computed, with the
// facts it used.
type permissionExplanation struct {
	MemberID       string       `json:"member_id"`
	Role           string       `json:"role"`
	Pricing        string       `json:"pricing"`
	HostLicence    bool         `json:"host_licence"`
	BillingContact bool         `json:"billing_contact"`
	EventRights    authz.Rights `json:"event_rights"`
	// SessionRole is the live-room role room actions were decided for.
	SessionRole authz.SessionRole    `json:"session_role"`
	Decisions   []permissionDecision `json:"decisions"`
}

// permissionDecision is one action allowed or refused, with authz's reason.
type permissionDecision struct {
	Action  authz.Action `json:"action"`
	Allowed bool         `json:"allowed"`
	Reason  string       `json:"reason"`
}

// Everyone in the workspace may read the matrix and have a decision explained,
// their own or a teammate's: the team list already shows everyone's role and
// licence, which is all a decision depends on (spec §2 workspace.view).
func (s *Server) permissionRoutes() {
	s.add(route{Method: http.MethodGet, Path: "/v1/permissions", ID: "getPermissionMatrix", Tag: "members", Action: authz.WorkspaceView,
		Summary:  "The permission matrix as data: workspace roles, event rights and live-room session roles",
		Response: permissionMatrix{}, Handler: s.permissionMatrix})
	s.add(route{Method: http.MethodGet, Path: "/v1/permissions/explain", ID: "explainPermissions", Tag: "members", Action: authz.WorkspaceView,
		Query: []param{{Name: "action", Description: "the action to decide, e.g. session.start_stop (every action without it)"},
			{Name: "member", Description: "the member's id (yourself without it)"},
			{Name: "session_role", Description: "the live-room role room actions are decided for (the member's own without it)", Enum: enumValues("SessionRole")},
			{Name: "on_stage", Description: "whether that person is on stage", Enum: []string{"true", "false"}}},
		Summary: "Whether a member (?member=, yourself by default) may do ?action= (every action without it), and why; " +
			"room actions are decided for ?session_role= (host, moderator, speaker, participant; by default the member's own) and ?on_stage=",
		Response: permissionExplanation{}, Handler: s.explainPermission})
}

func (s *Server) permissionMatrix(c *gin.Context) {
	c.JSON(http.StatusOK, permissionMatrix{Tables: authz.Matrix()})
}

func (s *Server) explainPermission(c *gin.Context) {
	p := caller(c)
	actions := allActions()
	if a := authz.Action(c.Query("action")); a != "" {
		if !authz.Known(a) {
			fail(c, badInput("action", "unknown action "+strconv.Quote(string(a))+"; GET /v1/permissions lists them"))
			return
		}
		actions = []authz.Action{a}
	}
	m := p.Member
	if id := c.Query("member"); id != "" && id != m.ID {
		if !store.IsID(id) {
			fail(c, badInput("member", "member is not a member id"))
			return
		}
		var err error
		if m, err = store.GetMember(c.Request.Context(), s.db, p.Workspace.ID, id); err != nil {
			fail(c, err)
			return
		}
	}
	subject := billing.MemberSubject(p.Workspace.Plan, m)
	room, err := roomContext(c, subject)
	if err != nil {
		fail(c, err)
		return
	}
	out := permissionExplanation{MemberID: m.ID, Role: m.Role, Pricing: string(subject.Pricing), HostLicence: m.HostLicence,
		BillingContact: m.BillingContact, EventRights: authz.EventRights(subject), SessionRole: room.Role}
	for _, a := range actions {
		d := authz.Can(subject, a)
		if authz.IsRoomAction(a) {
			d = authz.CanInRoom(room, a)
		}
		out.Decisions = append(out.Decisions, permissionDecision{Action: a, Allowed: d.Allowed, Reason: d.Reason})
	}
	c.JSON(http.StatusOK, out)
}

// allActions is every action of the matrix once, table by table.
func allActions() []authz.Action {
	var out []authz.Action
	seen := map[authz.Action]bool{}
	for _, t := range authz.Matrix() {
		for _, r := range t.Rows {
			if !seen[r.Action] {
				seen[r.Action] = true
				out = append(out, r.Action)
			}
		}
	}
	return out
}

// roomContext is the live room a room action is explained in: the session
// role asked for, or the one the member has hosting a session.
func roomContext(c *gin.Context, subject authz.Subject) (authz.RoomContext, error) {
	room := authz.RoomContext{Role: authz.SessionRoleFor(subject)}
	if r := c.Query("session_role"); r != "" {
		room.Role = authz.SessionRole(r)
		if !authz.ValidSessionRole(room.Role) {
			return room, badInput("session_role", "session_role must be host, moderator, speaker or participant")
		}
	}
	if v := c.Query("on_stage"); v != "" {
		on, err := strconv.ParseBool(v)
		if err != nil {
			return room, badInput("on_stage", "on_stage must be true or false")
		}
		room.OnStage = on
	}
	return room, nil
}
