package mail

import "time"

// KindWebhookDisabled tells a workspace's owners and admins that the relay gave
// up on one of its webhook endpoints after days of failures and disabled it.
const KindWebhookDisabled = "webhook_disabled"

// WebhookDisabled is the data of the webhook_disabled e-mail.
type WebhookDisabled struct {
	WorkspaceName string
	// Endpoint is the endpoint's URL without its scheme: the e-mail names the
	// receiver without linking to it (it answers onair's POSTs, not people).
	Endpoint     string
	FailingSince time.Time // the first failed attempt since its last success
	LastError    string    // what the last attempt met (HTTP status or network error)
	// EnableCall is the API call that enables it again (its missed events are then sent).
	EnableCall string
}
