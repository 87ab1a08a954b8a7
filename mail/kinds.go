package mail

import "slices"

// family is the data struct a kind is composed from.
type family int

const (
	familySession    family = iota // SessionMail
	familyInvitation               // Invitation
	familyDunning                  // Dunning
	familySignup                   // SignupVerification
	familyWebhook                  // WebhookDisabled
)

// kindSpec says what one kind of e-mail is.
type kindSpec struct {
	Name   string
	family family
	// custom: a workspace may reword it. Sign-up verification is not: no workspace exists yet.
	custom bool
	// unsubscribable: the recipient may stop it (List-Unsubscribe); the e-mails a person
	// needs (confirmations, cancellations, their own registration's news) always go.
	unsubscribable bool
}

// kinds is every e-mail onair sends, in one list: the API's enum of customisable kinds, the
// mailer, the default templates (a test checks each has one) and the sample renders all
// come from it.
var kinds = []kindSpec{
	{KindInvitation, familyInvitation, true, false},
	{KindConfirmation, familySession, true, false},
	{KindReceived, familySession, true, false},
	{KindWaitlistPromotion, familySession, true, false},
	{KindReminder, familySession, true, true},
	{KindReschedule, familySession, true, false},
	{KindCancellation, familySession, true, false},
	{KindSpeakerInvitation, familySession, true, false},
	{KindSessionInvitation, familySession, true, true},
	{KindFollowUpAttended, familySession, true, true},
	{KindFollowUpMissed, familySession, true, true},
	{KindPostLiveFailed, familySession, true, false},
	{KindWaitlisted, familySession, true, false},
	{KindDenied, familySession, true, false},
	{KindCancelledByAttendee, familySession, true, false},
	{KindCancelledByOrganizer, familySession, true, false},
	{KindPaymentFailed, familyDunning, true, false},
	{KindPaymentReminder, familyDunning, true, false},
	{KindWorkspaceSuspended, familyDunning, true, false},
	{KindPaymentRestored, familyDunning, true, false},
	{KindSignupVerification, familySignup, false, false},
	{KindWebhookDisabled, familyWebhook, false, false},
}

// AllKinds lists every kind of e-mail onair sends.
var AllKinds = kindNames(func(kindSpec) bool { return true })

// CustomKinds are the e-mails a workspace can reword with its own template: every kind sent
// on a workspace's behalf (all but the sign-up verification). The API's enum, the mailer
// and the default templates under templates/ all use these names.
var CustomKinds = kindNames(func(k kindSpec) bool { return k.custom })

// UnsubscribableKinds are the kinds a recipient can stop receiving from a workspace:
// reminders, invitations to sessions and follow-ups.
var UnsubscribableKinds = kindNames(func(k kindSpec) bool { return k.unsubscribable })

// Unsubscribable reports whether kind carries List-Unsubscribe and is held back from an
// address that unsubscribed.
func Unsubscribable(kind string) bool { return slices.Contains(UnsubscribableKinds, kind) }

func kindNames(keep func(kindSpec) bool) []string {
	var names []string
	for _, k := range kinds {
		if keep(k) {
			names = append(names, k.Name)
		}
	}
	return names
}

func specOf(kind string) (kindSpec, bool) {
	i := slices.IndexFunc(kinds, func(k kindSpec) bool { return k.Name == kind })
	if i < 0 {
		return kindSpec{}, false
	}
	return kinds[i], true
}

// kindAliases are spellings the API once accepted, mapped to the mailer's.
var kindAliases = map[string]string{
	"follow_up_attended": KindFollowUpAttended,
	"follow_up_missed":   KindFollowUpMissed,
}

// CanonicalKind returns the customisable kind k names, accepting the older spellings
// (follow_up_attended for followup_attended), and whether there is one.
func CanonicalKind(k string) (string, bool) {
	if c, ok := kindAliases[k]; ok {
		return c, true
	}
	return k, slices.Contains(CustomKinds, k)
}

// StoredKinds are the kind strings a stored template of kind may carry: kind itself and
// its older spellings, so templates saved before the spellings were unified still apply.
func StoredKinds(kind string) []string {
	out := []string{kind}
	for alias, c := range kindAliases {
		if c == kind {
			out = append(out, alias)
		}
	}
	return out
}
