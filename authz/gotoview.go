package authz

// GoToPerson is a column of the GoToWebinar roles table (§5).
type GoToPerson string

const (
	GoToParticipant    GoToPerson = "participant"
	GoToOrganizer      GoToPerson = "organizer"       // a member
	GoToAccountAdmin   GoToPerson = "account admin"   // an admin
	GoToBillingContact GoToPerson = "billing contact" // an admin flagged billing contact
)

// GoToCapability is a row of §5, named as the spec names it.
type GoToCapability string

const (
	GoToAccountRequired         GoToCapability = "Account required"
	GoToJoinSessions            GoToCapability = "Join sessions"
	GoToScheduleAndHostSessions GoToCapability = "Schedule and host sessions"
	GoToManagePersonalSettings  GoToCapability = "Manage personal settings"
	GoToManageOrganizers        GoToCapability = "Add and manage other organizers"
	GoToManageAccountSettings   GoToCapability = "Manage account-wide settings"
	GoToChangeSubscriptions     GoToCapability = "Change subscriptions"
	GoToChangeBillingInfo       GoToCapability = "Change billing information"
)

// goToRow answers a capability from the matrix: a team member has it when Can allows every
// listed action (no actions: every team member has it); participants have no Subject, so
// their column is the one fact §5 adds.
type goToRow struct {
	capability  GoToCapability
	participant bool
	actions     []Action
}

var goToRows = []goToRow{
	{GoToAccountRequired, false, nil},
	{GoToJoinSessions, true, nil},
	{GoToScheduleAndHostSessions, false, []Action{EventCreate}},
	{GoToManagePersonalSettings, false, []Action{ProfileEditOwn}},
	{GoToManageOrganizers, false, []Action{MemberEdit}},
	{GoToManageAccountSettings, false, []Action{SettingsManage}},
	{GoToChangeSubscriptions, false, []Action{PlanUpgrade}},
	{GoToChangeBillingInfo, false, []Action{BillingEditAddress, BillingEditPayment}},
}

// GoToCapabilities lists the rows of §5 in spec order.
func GoToCapabilities() []GoToCapability {
	out := make([]GoToCapability, len(goToRows))
	for i, r := range goToRows {
		out[i] = r.capability
	}
	return out
}

// goToSubject maps a GoToWebinar person to a team member. GoToWebinar has no seat pricing,
// so its organizers hold host rights: a contacts plan.
func goToSubject(p GoToPerson) (Subject, bool) {
	switch p {
	case GoToOrganizer:
		return Subject{Role: RoleMember, Pricing: PricingContacts}, true
	case GoToAccountAdmin:
		return Subject{Role: RoleAdmin, Pricing: PricingContacts}, true
	case GoToBillingContact:
		return Subject{Role: RoleAdmin, BillingContact: true, Pricing: PricingContacts}, true
	}
	return Subject{}, false
}

// GoTo answers a cell of §5 from the same matrix Can uses. Unknown persons or capabilities
// are refused.
func GoTo(p GoToPerson, c GoToCapability) bool {
	for _, row := range goToRows {
		if row.capability != c {
			continue
		}
		if p == GoToParticipant {
			return row.participant
		}
		s, ok := goToSubject(p)
		if !ok {
			return false
		}
		for _, a := range row.actions {
			if !Can(s, a).Allowed {
				return false
			}
		}
		return true
	}
	return false
}
