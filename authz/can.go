package authz

import "fmt"

// Role is a team member's role in a workspace.
type Role string

const (
	RoleOwner  Role = "owner"
	RoleAdmin  Role = "admin"
	RoleMember Role = "member"
)

func (r Role) valid() bool { return r == RoleOwner || r == RoleAdmin || r == RoleMember }

// plural names the role in reasons: "members cannot …".
func (r Role) plural() string { return string(r) + "s" }

// Pricing is the workspace plan's pricing model, which decides event rights (§1).
type Pricing string

const (
	PricingContacts Pricing = "contacts" // per monthly active contact
	PricingSeats    Pricing = "seats"    // per admin, with paid host licences
)

// Subject is a team member acting in a workspace.
type Subject struct {
	Role           Role
	BillingContact bool // the owner is always treated as billing contact
	HostLicence    bool
	Pricing        Pricing // the workspace plan's pricing model
}

// isBillingContact applies §1: the owner always is; an admin when flagged; a member never,
// whatever the flag says (the API refuses to set it with a 422).
func (s Subject) isBillingContact() bool {
	return s.Role == RoleOwner || (s.Role == RoleAdmin && s.BillingContact)
}

// Rights is the column of §3 a team member's event permissions follow.
type Rights string

const (
	RightsHost      Rights = "host"
	RightsModerator Rights = "moderator"
)

// EventRights applies the pricing-model rule of §1: on a contacts plan every team member has
// host rights; on a seats plan only those with a host licence do, the others moderator rights.
// The owner follows the admin rule. An unknown role or pricing model gets moderator rights,
// the lesser column, so a misconfigured plan never grants more.
func EventRights(s Subject) Rights {
	if !s.Role.valid() {
		return RightsModerator
	}
	switch s.Pricing {
	case PricingContacts:
		return RightsHost
	case PricingSeats:
		if s.HostLicence {
			return RightsHost
		}
	}
	return RightsModerator
}

// Can decides workspace (§2) and event (§3) actions for a team member. Room-only actions (§4)
// depend on the session role, so they are refused here: ask CanInRoom.
func Can(s Subject, a Action) Decision {
	if !Known(a) {
		return refuse(a, "unknown action")
	}
	if !s.Role.valid() {
		return refuse(a, fmt.Sprintf("unknown workspace role %q", s.Role))
	}
	if row, ok := workspaceIndex[a]; ok {
		return decideWorkspace(s, a, row.column(s.Role))
	}
	if row, ok := eventIndex[a]; ok {
		return decideEvent(s, a, row)
	}
	return refuse(a, "room action: decided by the session role in a live room, not by the workspace role")
}

func decideWorkspace(s Subject, a Action, c cell) Decision {
	switch c {
	case allow:
		return permit(a, fmt.Sprintf("%s can %s", s.Role.plural(), a.phrase()))
	case ifBillingContact:
		if s.isBillingContact() {
			return permit(a, fmt.Sprintf("billing contacts can %s", a.phrase()))
		}
		return refuse(a, fmt.Sprintf("%s is not a billing contact; only billing contacts can %s", s.Role, a.phrase()))
	}
	reason := fmt.Sprintf("%s cannot %s", s.Role.plural(), a.phrase())
	if s.Role == RoleMember && s.BillingContact {
		reason += " (the billing-contact flag counts only for the owner and admins)"
	}
	return refuse(a, reason)
}

func decideEvent(s Subject, a Action, row eventRow) Decision {
	rights := EventRights(s)
	if row.column(rights) == allow {
		return permit(a, fmt.Sprintf("%s with %s rights can %s", s.Role, rights, a.phrase()))
	}
	return refuse(a, fmt.Sprintf("%s and cannot %s", rightsExplained(s, rights), a.phrase()))
}

// rightsExplained says why a subject ended up with the rights it has, for refusals.
func rightsExplained(s Subject, rights Rights) string {
	if rights == RightsHost {
		return fmt.Sprintf("%s has host rights", s.Role)
	}
	switch s.Pricing {
	case PricingSeats:
		return fmt.Sprintf("%s without a host licence has moderator rights only on a seats plan", s.Role)
	case PricingContacts:
		return fmt.Sprintf("%s has moderator rights only", s.Role)
	}
	return fmt.Sprintf("%s has moderator rights only under unknown pricing model %q", s.Role, s.Pricing)
}
