package authz

// cell is one square of the spec's matrix. Only the conditional cells carry logic; the
// decision functions read everything else straight from the tables below.
type cell uint8

const (
	deny             cell = iota // ✗
	allow                        // ✓
	ifBillingContact             // "billing contact": the owner always, an admin only when flagged (§1)
	ifOnStage                    // ✗³ and "✓ on stage only⁴": allowed only while on stage
	ifOwnWhenPrivate             // "✗ own only⁵": all questions, or only one's own in private mode
	denyInRoom                   // ✗²: team management happens in the workspace, never in a room
)

// workspaceRow is a line of §2: what each workspace role may do.
type workspaceRow struct {
	action               Action
	owner, admin, member cell
}

var workspaceMatrix = []workspaceRow{
	{WorkspaceView, allow, allow, allow},
	{WorkspaceEditField, allow, allow, deny},
	{WorkspaceEditLogo, allow, allow, deny},
	{WorkspaceDelete, allow, deny, deny},
	{MemberInvite, allow, allow, allow},
	{MemberInviteAdmin, allow, allow, deny},
	{MemberEdit, allow, allow, deny},
	{MemberRemove, allow, deny, deny},
	// The owner is allowed here; footnote ¹ (transfer ownership or delete the workspace first,
	// since a workspace always has exactly one owner) is a 409 the API enforces from state.
	{ProfileDeleteOwn, allow, allow, allow},
	{ProfileEditOwn, allow, allow, allow},
	{AttributeCreate, allow, allow, allow},
	{AttributeEditOwn, allow, allow, allow},
	{AttributeEditOther, allow, allow, deny},
	{AttributeDeleteOther, allow, allow, deny},
	{TemplateCreate, allow, allow, allow},
	{TemplateEditOwn, allow, allow, allow},
	{TemplateEditOther, allow, allow, deny},
	{TemplateDeleteOther, allow, allow, deny},
	// A member flagged billing contact still gets none of these: only the owner and admins
	// can be billing contacts (§1), so the member column is a plain ✗.
	{PlanManage, allow, ifBillingContact, deny},
	{PlanUpgrade, allow, ifBillingContact, deny},
	{PlanCancel, allow, ifBillingContact, deny},
	{BillingEditAddress, allow, ifBillingContact, deny},
	{BillingEditPayment, allow, ifBillingContact, deny},
	{InvoiceView, allow, allow, deny},
	{InvoiceDownload, allow, allow, deny},
	{IntegrationsOpen, allow, allow, allow},
	{IntegrationsManage, allow, allow, deny},
	{PeopleOpen, allow, allow, allow},
	{CompanyPageDisable, allow, allow, deny},
	{SettingsManage, allow, allow, deny},

	{OwnershipTransfer, allow, deny, deny}, // **D** owner only (§1)
	{AuditView, allow, allow, deny},        // **D** owner and admins
}

// eventRow is a line of §3: what host rights and moderator rights allow (see EventRights).
type eventRow struct {
	action          Action
	host, moderator cell
}

var eventMatrix = []eventRow{
	{EventCreate, allow, deny},
	{EventShare, allow, allow},
	{EventDuplicate, allow, deny},
	{EventDelete, allow, deny},
	{EventSettings, allow, deny},
	{EventExportSessions, allow, allow},
	{SessionCreate, allow, deny},
	{SessionEdit, allow, deny},
	{RegistrantRegister, allow, allow},
	{SessionStartStop, allow, deny},
	{SessionRecord, allow, deny},
	{PollCreate, allow, allow},
	{QuestionAnswer, allow, allow},
	{ReactionsEnable, allow, allow},
	{StageInvite, allow, allow},
	{ParticipantKick, allow, allow},

	{DeckManage, allow, deny}, // **D** host rights only
}

// roomRow is a line of §4: what each session role may do in a live room.
type roomRow struct {
	action                                Action
	host, moderator, speaker, participant cell
}

var roomMatrix = []roomRow{
	{RoomDashboard, allow, allow, deny, deny},
	{RoomEventSettings, allow, deny, deny, deny},
	{RoomRemoveTeamMember, denyInRoom, denyInRoom, deny, deny},
	{RoomChangeRole, denyInRoom, denyInRoom, deny, deny},
	{RoomSendInvitations, allow, allow, deny, deny},
	{RoomEnterEarly, allow, allow, allow, deny},
	{RoomStartStop, allow, deny, deny, deny},
	{RoomRecord, allow, deny, deny, deny},
	{StageJoin, allow, allow, allow, ifOnStage},
	{StageInvite, allow, allow, allow, deny},
	{StageRemove, allow, allow, allow, deny},
	{StageControlMedia, allow, allow, allow, deny},
	{StageRemovePresentation, allow, allow, allow, deny},
	{ChatModerate, allow, allow, allow, deny},
	{QuestionModerate, allow, allow, allow, deny},
	{ParticipantBlock, allow, allow, allow, deny},
	{ParticipantBlockDashboard, allow, allow, deny, deny},
	{ChatReadAll, allow, allow, allow, allow},
	{QuestionAsk, allow, allow, allow, allow},
	{QuestionAnswer, allow, allow, allow, deny},
	{QuestionAnswerLive, allow, allow, ifOnStage, deny},
	{QuestionReadPrivate, allow, allow, allow, ifOwnWhenPrivate},
	{PollCreateSend, allow, allow, allow, deny},
	{PollAnswer, allow, allow, allow, allow},
	{ParticipantsReadHidden, allow, allow, allow, deny},
	{CTASend, allow, allow, allow, deny},
	{RegistrantDelete, allow, deny, deny, deny},
	{ExportRegistrantsChatQuestions, allow, allow, deny, deny},
	{BreakoutCreateStart, allow, allow, deny, deny},
}

var (
	workspaceIndex = index(workspaceMatrix, func(r workspaceRow) Action { return r.action })
	eventIndex     = index(eventMatrix, func(r eventRow) Action { return r.action })
	roomIndex      = index(roomMatrix, func(r roomRow) Action { return r.action })
)

func index[R any](rows []R, key func(R) Action) map[Action]R {
	m := make(map[Action]R, len(rows))
	for _, r := range rows {
		m[key(r)] = r
	}
	return m
}

// column picks the workspace role's cell; an unknown role gets deny.
func (r workspaceRow) column(role Role) cell {
	switch role {
	case RoleOwner:
		return r.owner
	case RoleAdmin:
		return r.admin
	case RoleMember:
		return r.member
	}
	return deny
}

func (r eventRow) column(rights Rights) cell {
	switch rights {
	case RightsHost:
		return r.host
	case RightsModerator:
		return r.moderator
	}
	return deny
}

func (r roomRow) column(role SessionRole) cell {
	switch role {
	case SessionHost:
		return r.host
	case SessionModerator:
		return r.moderator
	case SessionSpeaker:
		return r.speaker
	case SessionParticipant:
		return r.participant
	}
	return deny
}
