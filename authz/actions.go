package authz

// Action is a permission id of the spec, such as "workspace.edit_field".
type Action string

// Workspace actions (§2), plus two product additions the spec implies.
const (
	WorkspaceView        Action = "workspace.view"
	WorkspaceEditField   Action = "workspace.edit_field"
	WorkspaceEditLogo    Action = "workspace.edit_logo"
	WorkspaceDelete      Action = "workspace.delete"
	MemberInvite         Action = "member.invite"
	MemberInviteAdmin    Action = "member.invite_admin"
	MemberEdit           Action = "member.edit"
	MemberRemove         Action = "member.remove"
	ProfileDeleteOwn     Action = "profile.delete_own"
	ProfileEditOwn       Action = "profile.edit_own"
	AttributeCreate      Action = "attribute.create"
	AttributeEditOwn     Action = "attribute.edit_own"
	AttributeEditOther   Action = "attribute.edit_other"
	AttributeDeleteOther Action = "attribute.delete_other"
	TemplateCreate       Action = "template.create"
	TemplateEditOwn      Action = "template.edit_own"
	TemplateEditOther    Action = "template.edit_other"
	TemplateDeleteOther  Action = "template.delete_other"
	PlanManage           Action = "plan.manage"
	PlanUpgrade          Action = "plan.upgrade"
	PlanCancel           Action = "plan.cancel"
	BillingEditAddress   Action = "billing.edit_address"
	BillingEditPayment   Action = "billing.edit_payment"
	InvoiceView          Action = "invoice.view"
	InvoiceDownload      Action = "invoice.download"
	IntegrationsOpen     Action = "integrations.open"
	IntegrationsManage   Action = "integrations.manage"
	PeopleOpen           Action = "people.open"
	CompanyPageDisable   Action = "company_page.disable"
	SettingsManage       Action = "settings.manage"

	// OwnershipTransfer is **D**: §1 says the owner "can transfer ownership to an admin".
	OwnershipTransfer Action = "ownership.transfer"
	// AuditView is **D**: GoToWebinar admins manage the account's reports; §6 requires the log.
	AuditView Action = "audit.view"
)

// Event actions (§3). QuestionAnswer and StageInvite are also room actions (§4).
const (
	EventCreate         Action = "event.create"
	EventShare          Action = "event.share"
	EventDuplicate      Action = "event.duplicate"
	EventDelete         Action = "event.delete"
	EventSettings       Action = "event.settings"
	EventExportSessions Action = "event.export_sessions"
	SessionCreate       Action = "session.create"
	SessionEdit         Action = "session.edit"
	RegistrantRegister  Action = "registrant.register"
	SessionStartStop    Action = "session.start_stop"
	SessionRecord       Action = "session.record"
	PollCreate          Action = "poll.create"
	QuestionAnswer      Action = "question.answer"
	ReactionsEnable     Action = "reactions.enable"
	StageInvite         Action = "stage.invite"
	ParticipantKick     Action = "participant.kick"

	// DeckManage is **D**: uploading and deleting a session's slide decks (issue 15) prepares
	// the session, like event.settings, so host rights only; in the room, moderators and
	// speakers page through them (stage.control_media).
	DeckManage Action = "deck.manage"
)

// Room actions (§4), apart from QuestionAnswer and StageInvite declared with the event ones.
const (
	RoomDashboard                  Action = "room.dashboard"
	RoomEventSettings              Action = "room.event_settings"
	RoomRemoveTeamMember           Action = "room.remove_team_member"
	RoomChangeRole                 Action = "room.change_role"
	RoomSendInvitations            Action = "room.send_invitations"
	RoomEnterEarly                 Action = "room.enter_early"
	RoomStartStop                  Action = "room.start_stop"
	RoomRecord                     Action = "room.record"
	StageJoin                      Action = "stage.join"
	StageRemove                    Action = "stage.remove"
	StageControlMedia              Action = "stage.control_media"
	StageRemovePresentation        Action = "stage.remove_presentation"
	ChatModerate                   Action = "chat.moderate"
	QuestionModerate               Action = "question.moderate"
	ParticipantBlock               Action = "participant.block"
	ParticipantBlockDashboard      Action = "participant.block_dashboard"
	ChatReadAll                    Action = "chat.read_all"
	QuestionAsk                    Action = "question.ask"
	QuestionAnswerLive             Action = "question.answer_live"
	QuestionReadPrivate            Action = "question.read_private"
	PollCreateSend                 Action = "poll.create_send"
	PollAnswer                     Action = "poll.answer"
	ParticipantsReadHidden         Action = "participants.read_hidden"
	CTASend                        Action = "cta.send"
	RegistrantDelete               Action = "registrant.delete"
	ExportRegistrantsChatQuestions Action = "export.registrants_chat_questions"
	BreakoutCreateStart            Action = "breakout.create_start"
)

// phrases finish the sentences of Decision.Reason: "members cannot <phrase>".
var phrases = map[Action]string{
	WorkspaceView:        "view the workspace profile",
	WorkspaceEditField:   "edit the workspace profile",
	WorkspaceEditLogo:    "change the workspace logo",
	WorkspaceDelete:      "delete the workspace",
	MemberInvite:         "invite members",
	MemberInviteAdmin:    "invite admins",
	MemberEdit:           "edit team members",
	MemberRemove:         "remove team members",
	ProfileDeleteOwn:     "delete their own profile",
	ProfileEditOwn:       "edit their personal settings",
	AttributeCreate:      "create custom attributes",
	AttributeEditOwn:     "edit their own custom attributes",
	AttributeEditOther:   "edit other people's custom attributes",
	AttributeDeleteOther: "delete other people's custom attributes",
	TemplateCreate:       "create e-mail templates",
	TemplateEditOwn:      "edit their own e-mail templates",
	TemplateEditOther:    "edit other people's e-mail templates",
	TemplateDeleteOther:  "delete other people's e-mail templates",
	PlanManage:           "view or change the plan",
	PlanUpgrade:          "upgrade the plan",
	PlanCancel:           "cancel the plan",
	BillingEditAddress:   "change the billing address",
	BillingEditPayment:   "change the payment method",
	InvoiceView:          "view invoices",
	InvoiceDownload:      "download invoices",
	IntegrationsOpen:     "open the app marketplace",
	IntegrationsManage:   "add or remove integrations and webhooks",
	PeopleOpen:           "open the people page",
	CompanyPageDisable:   "turn the company page on or off",
	SettingsManage:       "manage account-wide settings",
	OwnershipTransfer:    "transfer ownership",
	AuditView:            "view the audit log",

	EventCreate:         "create events",
	EventShare:          "share events",
	EventDuplicate:      "duplicate events",
	EventDelete:         "delete events",
	EventSettings:       "change event settings",
	EventExportSessions: "export sessions",
	SessionCreate:       "create sessions",
	SessionEdit:         "reschedule or cancel sessions",
	RegistrantRegister:  "register people",
	SessionStartStop:    "start or stop sessions",
	SessionRecord:       "record sessions",
	PollCreate:          "create polls",
	QuestionAnswer:      "answer questions",
	ReactionsEnable:     "turn reactions on or off",
	StageInvite:         "invite people on stage",
	ParticipantKick:     "remove participants from a session",
	DeckManage:          "upload or delete slide decks",

	RoomDashboard:                  "access the event dashboard",
	RoomEventSettings:              "change event settings from the room",
	RoomRemoveTeamMember:           "remove team members",
	RoomChangeRole:                 "change team roles",
	RoomSendInvitations:            "send e-mail invitations",
	RoomEnterEarly:                 "enter the room before the start",
	RoomStartStop:                  "start or stop the session",
	RoomRecord:                     "record the session",
	StageJoin:                      "join the stage",
	StageRemove:                    "remove people from the stage",
	StageControlMedia:              "control slides and videos on stage",
	StageRemovePresentation:        "remove a presentation",
	ChatModerate:                   "moderate the chat",
	QuestionModerate:               "moderate questions",
	ParticipantBlock:               "block participants in the room",
	ParticipantBlockDashboard:      "block participants from the dashboard",
	ChatReadAll:                    "read all chat messages",
	QuestionAsk:                    "ask questions",
	QuestionAnswerLive:             "answer questions live",
	QuestionReadPrivate:            "read other people's questions",
	PollCreateSend:                 "create and send polls",
	PollAnswer:                     "answer polls",
	ParticipantsReadHidden:         "see the hidden participants tab",
	CTASend:                        "send calls to action",
	RegistrantDelete:               "delete registrants",
	ExportRegistrantsChatQuestions: "export registrants, chat and questions",
	BreakoutCreateStart:            "create and start breakout groups",
}

// phrase falls back to the id so a reason is never empty, even for an action added to a
// table without a phrase.
func (a Action) phrase() string {
	if p, ok := phrases[a]; ok {
		return p
	}
	return string(a)
}

// WorkspaceActions lists §2 in spec order, then OwnershipTransfer and AuditView.
func WorkspaceActions() []Action {
	out := make([]Action, len(workspaceMatrix))
	for i, r := range workspaceMatrix {
		out[i] = r.action
	}
	return out
}

// EventActions lists §3 in spec order, then DeckManage.
func EventActions() []Action {
	out := make([]Action, len(eventMatrix))
	for i, r := range eventMatrix {
		out[i] = r.action
	}
	return out
}

// RoomActions lists §4 in spec order.
func RoomActions() []Action {
	out := make([]Action, len(roomMatrix))
	for i, r := range roomMatrix {
		out[i] = r.action
	}
	return out
}

// Known reports whether a appears in any table; everything else is refused (§6).
func Known(a Action) bool {
	_, w := workspaceIndex[a]
	_, e := eventIndex[a]
	_, r := roomIndex[a]
	return w || e || r
}
