package api

import (
	"reflect"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/locale"
	"github.com/onairhq/onair/mail"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/webhookevents"
)

// namedEnum is a closed list of words the API speaks, published as a component schema
// (a generated client gets a type and constants for it) and used by the fields listed.
// A field's type is a plain string in the store, so the list lives here, beside the
// document; the contract test fails when an answer holds a word missing from it.
type namedEnum struct {
	name, description string
	values            func() []string
	fields            []enumField
}

// enumField names a field of a request or response type by its JSON name.
type enumField struct {
	owner any
	field string
}

func words(w ...string) func() []string { return func() []string { return w } }

// withDefault adds the empty word that stands for "the workspace's" to a list.
func withDefault(values func() []string) func() []string {
	return func() []string { return append([]string{""}, values()...) }
}

var documentedEnums = []namedEnum{
	{name: "Role", description: "a workspace role", values: words(store.RoleOwner, store.RoleAdmin, store.RoleMember),
		fields: []enumField{{store.Membership{}, "role"}, {store.Invitation{}, "role"}, {permissionExplanation{}, "role"}}},
	{name: "SessionStatus", description: "a session's place in its lifecycle",
		values: words(store.SessionScheduled, store.SessionOpen, store.SessionLive, store.SessionEnded,
			store.SessionProcessed, store.SessionProcessingFailed, store.SessionCancelled),
		fields: []enumField{{store.Session{}, "status"}, {sessionWorkflowStatus{}, "status"}, {publicSession{}, "status"}, {sessionSchedule{}, "status"}}},
	{name: "RegistrantStatus", description: "where a registration stands",
		values: words(store.RegistrantPending, store.RegistrantApproved, store.RegistrantWaitlisted,
			store.RegistrantDenied, store.RegistrantCancelled, store.RegistrantBlocked),
		fields: []enumField{{store.Registrant{}, "status"}, {publicRegistration{}, "status"}}},
	{name: "StaffRole", description: "what someone does in a session: team members host or moderate, external speakers speak",
		values: words(store.StaffHost, store.StaffModerator, store.StaffSpeaker),
		fields: []enumField{{store.SessionStaff{}, "role"}, {staffRequest{}, "role"}}},
	{name: "SessionRole", description: "a person's role in a live room",
		values: words(string(authz.SessionHost), string(authz.SessionModerator), string(authz.SessionSpeaker), string(authz.SessionParticipant)),
		fields: []enumField{{joinToken{}, "role"}, {permissionExplanation{}, "session_role"}}},
	{name: "ImportStatus", description: "a CSV import's progress",
		values: words(store.ImportRunning, store.ImportCompleted, store.ImportCancelled, store.ImportFailed),
		fields: []enumField{{store.RegistrantImport{}, "status"}}},
	{name: "TemplateKind", description: "an e-mail a workspace can reword with its own template (follow_up_attended and follow_up_missed are older spellings of followup_attended and followup_missed)",
		values: templateKinds,
		fields: []enumField{{store.EmailTemplate{}, "kind"}, {templateRequest{}, "kind"}}},
	{name: "AttributeType", description: "what a custom registration field asks for", values: words(attributeTypes...),
		fields: []enumField{{store.CustomAttribute{}, "type"}, {attributeRequest{}, "type"}, {publicField{}, "type"}}},
	{name: "AuditOutcome", description: "whether authz granted or refused an action", values: words(store.OutcomeGranted, store.OutcomeDenied),
		fields: []enumField{{store.AuditEntry{}, "outcome"}}},
	{name: "WebhookEvent", description: "an event a webhook endpoint can subscribe to (* for all); x-webhooks describes each",
		values: func() []string { return append([]string{webhookevents.All}, webhookevents.Types()...) },
		fields: []enumField{{store.WebhookEndpoint{}, "events"}, {webhookRequest{}, "events"}, {webhookUpdate{}, "events"}}},
	{name: "WebhookDeliveryStatus", description: "where a webhook delivery stands: waiting for its turn or a retry, answered with a 2xx, or given up on when its endpoint was disabled",
		values: words(store.WebhookPending, store.WebhookDelivered, store.WebhookFailed),
		fields: []enumField{{store.WebhookDelivery{}, "status"}}},
	{name: "EventRights", description: "the event permissions a team member has (host or moderator rights)",
		values: words(string(authz.RightsHost), string(authz.RightsModerator)),
		fields: []enumField{{permissionExplanation{}, "event_rights"}}},
	{name: "Language", description: "a language pages and e-mails are written in", values: locale.Supported,
		fields: []enumField{{store.Workspace{}, "language"}, {joinToken{}, "language"}, {sessionSchedule{}, "language"}, {scheduleItem{}, "language"}}},
	{name: "ScheduleKind", description: "a timed e-mail of a session's schedule", values: words(scheduleKinds...),
		fields: []enumField{{scheduleItem{}, "kind"}}},
	{name: "ScheduleState", description: "where a scheduled e-mail stands: still to go, sent (its deliveries are recorded), or skipped (past before it was planned, or nobody to reach)",
		values: words(scheduleStates...), fields: []enumField{{scheduleItem{}, "state"}}},
	{name: "MailDeliveryState", description: "where one e-mail to a registrant stands: queued, sent (the mail server accepted it), or failed (done without an e-mail leaving)",
		values: words(deliveryQueued, deliverySent, deliveryFailed), fields: []enumField{{registrantDelivery{}, "state"}}},
	{name: "LanguageOrDefault", description: "a language pages and e-mails are written in; empty follows the workspace's (events) or serves every language (templates)",
		values: withDefault(locale.Supported),
		fields: []enumField{{store.Event{}, "language"}, {eventRequest{}, "language"}, {eventUpdate{}, "language"},
			{store.EmailTemplate{}, "language"}, {templateRequest{}, "language"}, {templateUpdate{}, "language"}}},
}

// templateKinds are mail.CustomKinds with the older spellings templates may still carry.
func templateKinds() []string {
	var out []string
	for _, k := range mail.CustomKinds {
		out = append(out, mail.StoredKinds(k)...)
	}
	return out
}

// enumOf is the enum of a type's field, or nil.
func enumOf(owner reflect.Type, field string) *namedEnum {
	for i := range documentedEnums {
		for _, f := range documentedEnums[i].fields {
			if reflect.TypeOf(f.owner) == owner && f.field == field {
				return &documentedEnums[i]
			}
		}
	}
	return nil
}

// enumValues are the words of a named enum, for query parameters that take one.
func enumValues(name string) []string {
	for _, e := range documentedEnums {
		if e.name == name {
			return e.values()
		}
	}
	return nil
}
