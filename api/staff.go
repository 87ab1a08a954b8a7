package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/mail"
	"github.com/onairhq/onair/store"
)

// staffRequest assigns a team member (member_id, as host or moderator) or
// invites an external speaker (email and name, role speaker).
type staffRequest struct {
	MemberID string `json:"member_id"`
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     string `json:"role"`
}

func (s *rolesAPI) staffRoutes() {
	s.add(route{Query: []param{sessionIDParam}, Method: http.MethodGet, Path: "/v1/staff", Tag: "sessions", Action: authz.WorkspaceView, Paged: true,
		Summary:  "Session staff: hosts, moderators and speakers (?session_id= narrows to one session's)",
		Response: store.SessionStaff{}, Handler: listOf[store.SessionStaff](s.base, byParent("session_id"))})
	s.add(route{ID: "addStaff", Method: http.MethodPost, Path: "/v1/sessions/:id/staff", Tag: "sessions", Action: authz.SessionEdit,
		Summary: "Assign a team member as host or moderator, or invite an external speaker by e-mail (personal join link); a connected member made host gains host rights in the room at once",
		Request: staffRequest{}, Response: store.SessionStaff{}, Status: http.StatusCreated, Handler: s.addStaff})
	s.add(route{Method: http.MethodDelete, Path: "/v1/staff/:id", Tag: "sessions", Action: authz.SessionEdit,
		Summary: "Remove someone from a session's staff; in a live room a host drops to moderator and a speaker to participant (off stage) at once", Status: http.StatusNoContent, Handler: s.removeStaff})
}

func (r *staffRequest) validate() (err error) {
	switch r.Role {
	case store.StaffHost, store.StaffModerator:
		if !store.IsID(r.MemberID) {
			return badInput("member_id", "hosts and moderators are team members: member_id is required")
		}
		if r.Email != "" {
			return badInput("email", "give member_id for team members, email only for speakers")
		}
	case store.StaffSpeaker:
		if r.MemberID != "" {
			return badInput("member_id", "speakers are external: give email and name, not member_id")
		}
		if r.Email, err = mail.ValidateAddress(r.Email); err != nil {
			return badInput("email", "email must be a valid address")
		}
		if r.Name, err = required("name", r.Name, 120); err != nil {
			return err
		}
	default:
		return badInput("role", "role must be host, moderator or speaker")
	}
	return nil
}

func (s *rolesAPI) addStaff(c *gin.Context) {
	var req staffRequest
	if err := decode(c, &req); err != nil {
		fail(c, err)
		return
	}
	ctx := c.Request.Context()
	ws := caller(c).Workspace.ID
	var member *store.Membership
	ses, err := s.sessionOf(c)
	if err != nil {
		fail(c, err)
		return
	}
	auditObject(c, "session", ses.ID)
	if ses.Closed() {
		fail(c, conflict("the session is "+ses.Status))
		return
	}
	st := &store.SessionStaff{ID: store.NewID("stf"), WorkspaceID: ws, SessionID: ses.ID, Role: req.Role,
		Email: req.Email, Name: req.Name, CreatedAt: store.Now()}
	if req.MemberID != "" {
		m, err := store.GetMember(ctx, s.db, ws, req.MemberID)
		if errors.Is(err, store.ErrNotFound) {
			fail(c, notFound("member"))
			return
		}
		if err != nil {
			fail(c, err)
			return
		}
		st.MemberID, st.Email, st.Name = m.ID, m.User.Email, m.Name
		member = m
	}
	notify := "" // of the staff, only an external speaker is e-mailed: their invitation
	if st.Role == store.StaffSpeaker {
		notify = mail.KindSpeakerInvitation
	}
	err = store.AddSessionStaff(ctx, s.db, st, notify)
	if errors.Is(err, store.ErrConflict) {
		fail(c, conflict(st.Email+" is already on this session's staff"))
		return
	}
	if err != nil {
		fail(c, err)
		return
	}
	s.relay.kick()
	s.liveRoles.StaffAdded(ctx, caller(c).Workspace, ses, st, member)
	c.JSON(http.StatusCreated, st)
}

func (s *rolesAPI) removeStaff(c *gin.Context) {
	ctx := c.Request.Context()
	ws := caller(c).Workspace
	auditObject(c, "staff", c.Param("id"))
	st, err := store.Get[store.SessionStaff](ctx, s.db, ws.ID, c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	if err := store.Delete[store.SessionStaff](ctx, s.db, ws.ID, st.ID); err != nil {
		fail(c, err)
		return
	}
	s.liveRoles.StaffRemoved(ctx, ws, st)
	c.Status(http.StatusNoContent)
}
