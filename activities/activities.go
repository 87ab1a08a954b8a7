// Package activities holds the side effects of onair's workflows: every call
// to the store, mail, billing and media goes through an Activities method, with
// its dependencies injected by main. Its files are named like the workflow files
// they serve (delivery_relay.go, session_invitations.go); the SQL they run is
// store's functions.
package activities

import (
	"log/slog"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/billing"
	"github.com/onairhq/onair/mail"
	"github.com/onairhq/onair/media/placement"
	"github.com/onairhq/onair/outbound"
	"github.com/onairhq/onair/store"
)

// Activities carries the dependencies of every activity; workflows name its
// methods through a nil *Activities.
type Activities struct {
	DB   *bun.DB
	Mail mail.Sender
	Log  *slog.Logger
	// Billing is the payment provider: Stripe, or the local one offline.
	Billing billing.Provider
	// PublicURL is the base of links in e-mails (join, cancel, replay); see linkBase.
	PublicURL string
	// MailFrom is the process's sender (ONAIR_MAIL_FROM): workspaces' e-mails go out from
	// it under the workspace's name, and calendar invitations name it as organizer.
	MailFrom string
	// Links derives the secrets of the personal links e-mailed to registrants and speakers
	// (store/links.go); the API verifies them with the same key.
	Links store.LinkKey
	// Media reaches the registered media nodes, each room on its own (media/placement); nil
	// when no media secret is configured (unit tests, an API-only deployment): media steps
	// are then skipped and nothing counts as recorded.
	Media *placement.Nodes
	// Webhooks is where webhook deliveries may connect; the delivery relay
	// sends through Webhooks.Client(), whose dialer re-checks every address.
	Webhooks outbound.Policy
	// WebhookRetry paces the retries of failing webhook endpoints (zero values:
	// DefaultWebhookRetry).
	WebhookRetry WebhookRetry
}
