package mail

import "time"

// Kinds of billing e-mail, sent to a workspace's billing contacts during dunning.
const (
	KindPaymentFailed      = "payment_failed"
	KindPaymentReminder    = "payment_reminder"
	KindWorkspaceSuspended = "workspace_suspended"
	KindPaymentRestored    = "payment_restored"
)

// Dunning is the data of every billing e-mail.
type Dunning struct {
	WorkspaceName string
	GraceEndsAt   time.Time // when the workspace is suspended if still unpaid
	BillingURL    string    // where a billing contact updates the card
}
