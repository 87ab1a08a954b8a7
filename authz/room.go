package authz

import "fmt"

// SessionRole is a person's role in one session's live room (§4).
type SessionRole string

const (
	SessionHost        SessionRole = "host"        // team member with host rights hosting the session: assigned, or its event's creator or the owner
	SessionModerator   SessionRole = "moderator"   // team member with moderator rights
	SessionSpeaker     SessionRole = "speaker"     // external speaker, invited by e-mail
	SessionParticipant SessionRole = "participant" // registrant
)

func (r SessionRole) valid() bool {
	switch r {
	case SessionHost, SessionModerator, SessionSpeaker, SessionParticipant:
		return true
	}
	return false
}

// RoomContext is a person in a live room (§4).
type RoomContext struct {
	Role             SessionRole
	OnStage          bool // currently on stage (speakers: needed for question.answer_live; participants: after an accepted stage invite)
	PrivateQuestions bool // the room's private-questions mode is on (question.read_private footnote 5)
	OwnQuestion      bool // the question being read was asked by this person
}

// SessionRoleFor is the session role of a team member assigned to a session.
func SessionRoleFor(s Subject) SessionRole {
	if EventRights(s) == RightsHost {
		return SessionHost
	}
	return SessionModerator
}

// TeamSessionRole applies spec §4 to a team member: a host is a team member with host rights
// who hosts the session (assigned as host, or by default its event's creator and the
// workspace's owner: store.IsSessionHost); every other team member enters as a moderator.
func TeamSessionRole(assignedHost bool, s Subject) SessionRole {
	if assignedHost && SessionRoleFor(s) == SessionHost {
		return SessionHost
	}
	return SessionModerator
}

// CanInRoom decides §4 actions, and §3 event actions for hosts and moderators, who follow the
// Host rights and Moderator rights columns. Workspace actions (§2) are refused: ask Can.
func CanInRoom(c RoomContext, a Action) Decision {
	if !Known(a) {
		return refuse(a, "unknown action")
	}
	if !c.Role.valid() {
		return refuse(a, fmt.Sprintf("unknown session role %q", c.Role))
	}
	if row, ok := roomIndex[a]; ok {
		return decideRoom(c, a, row.column(c.Role))
	}
	if row, ok := eventIndex[a]; ok {
		return decideEventInRoom(c, a, row)
	}
	return refuse(a, "workspace action: decided by the workspace role, not in a live room")
}

func decideRoom(c RoomContext, a Action, cl cell) Decision {
	who := string(c.Role) + "s"
	switch cl {
	case allow:
		return permit(a, fmt.Sprintf("%s can %s", who, a.phrase()))
	case ifOnStage: // footnotes ³ and ⁴
		if c.OnStage {
			return permit(a, fmt.Sprintf("%s on stage can %s", who, a.phrase()))
		}
		if c.Role == SessionParticipant {
			return refuse(a, fmt.Sprintf("participants can %s only after accepting a stage invite", a.phrase()))
		}
		return refuse(a, fmt.Sprintf("%s can %s only while on stage", who, a.phrase()))
	case ifOwnWhenPrivate: // footnote ⁵
		if !c.PrivateQuestions {
			return permit(a, "private questions are off: everyone sees all questions")
		}
		if c.OwnQuestion {
			return permit(a, "private questions are on: a participant sees their own questions")
		}
		return refuse(a, fmt.Sprintf("private questions are on: %s cannot %s", who, a.phrase()))
	case denyInRoom: // footnote ²
		return refuse(a, fmt.Sprintf("%s cannot %s from a room: team management happens in the workspace", who, a.phrase()))
	}
	return refuse(a, fmt.Sprintf("%s cannot %s", who, a.phrase()))
}

func decideEventInRoom(c RoomContext, a Action, row eventRow) Decision {
	var rights Rights
	switch c.Role {
	case SessionHost:
		rights = RightsHost
	case SessionModerator:
		rights = RightsModerator
	default:
		return refuse(a, fmt.Sprintf("%ss are not team members and cannot %s", c.Role, a.phrase()))
	}
	if row.column(rights) == allow {
		return permit(a, fmt.Sprintf("%ss can %s", c.Role, a.phrase()))
	}
	return refuse(a, fmt.Sprintf("%ss have %s rights and cannot %s", c.Role, rights, a.phrase()))
}
