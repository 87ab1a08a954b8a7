package billing

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Provider charges for plans: Stripe in production, Local for offline `onair
// dev`. Every call that changes something takes an idempotency key the
// Subscription workflow derives deterministically, so a retried activity never
// charges twice.
type Provider interface {
	// Name is "stripe" or "local", for logs and the API.
	Name() string
	CreateCustomer(ctx context.Context, p CustomerParams) (string, error)
	UpdateAddress(ctx context.Context, customerID string, a Address, idempotencyKey string) error
	CreateSubscription(ctx context.Context, p SubscriptionParams) (Subscription, error)
	UpdateSubscription(ctx context.Context, p SubscriptionChange) (Subscription, error)
	CancelSubscription(ctx context.Context, subscriptionID, idempotencyKey string) (Subscription, error)
	GetSubscription(ctx context.Context, subscriptionID string) (Subscription, error)
	// SetupIntent returns the client secret the browser uses to collect a card.
	SetupIntent(ctx context.Context, customerID, idempotencyKey string) (string, error)
	PortalURL(ctx context.Context, customerID, returnURL string) (string, error)
	ListInvoices(ctx context.Context, customerID string) ([]Invoice, error)
	GetInvoice(ctx context.Context, customerID, invoiceID string) (Invoice, error)
}

// CustomerParams creates the billing customer of a workspace.
type CustomerParams struct {
	WorkspaceID, Name, Email string
	IdempotencyKey           string
}

// Address is the billing address printed on invoices.
type Address struct {
	Line1      string `json:"line1"`
	Line2      string `json:"line2,omitempty"`
	City       string `json:"city"`
	PostalCode string `json:"postal_code"`
	State      string `json:"state,omitempty"`
	Country    string `json:"country"` // ISO 3166-1 alpha-2
}

// SubscriptionParams starts a paid subscription.
type SubscriptionParams struct {
	CustomerID, WorkspaceID string
	PriceLookupKey          string
	Quantity                int64
	IdempotencyKey          string
}

// SubscriptionChange changes price, quantity or the cancel flag. ProrateNow
// invoices the difference at once (upgrades, more seats); otherwise nothing is
// prorated and the change bills from the next period.
type SubscriptionChange struct {
	SubscriptionID    string
	PriceLookupKey    string // "" keeps the price
	Quantity          int64  // 0 keeps the quantity
	ProrateNow        bool
	CancelAtPeriodEnd *bool
	IdempotencyKey    string
}

// Subscription is the provider's view of a workspace's subscription.
type Subscription struct {
	ID                string    `json:"id"`
	CustomerID        string    `json:"customer_id"`
	Status            string    `json:"status"` // active, past_due, unpaid, canceled, incomplete, trialing
	PriceLookupKey    string    `json:"price_lookup_key"`
	Quantity          int64     `json:"quantity"`
	CurrentPeriodEnd  time.Time `json:"current_period_end"`
	CancelAtPeriodEnd bool      `json:"cancel_at_period_end"`
}

// Delinquent reports a subscription whose latest invoice is unpaid.
func (s Subscription) Delinquent() bool { return s.Status == "past_due" || s.Status == "unpaid" }

// Invoice is one bill.
type Invoice struct {
	ID          string    `json:"id"`
	Number      string    `json:"number"`
	Status      string    `json:"status"` // draft, open, paid, void, uncollectible
	AmountCents int64     `json:"amount_cents"`
	Currency    string    `json:"currency"`
	PeriodStart time.Time `json:"period_start"`
	PeriodEnd   time.Time `json:"period_end"`
	CreatedAt   time.Time `json:"created_at"`
	HostedURL   string    `json:"hosted_url,omitempty"`
	PDFURL      string    `json:"pdf_url,omitempty"`
}

// ErrInvoiceNotFound is returned for an invoice that is not the customer's.
var ErrInvoiceNotFound = errors.New("billing: invoice not found")

// Application error types that billing activities fail with when the provider
// refuses for good; the Subscription workflow and the API branch on them. The
// values are in recorded workflow histories: never change them.
const (
	ErrTypeCardDeclined   = "CardDeclined"
	ErrTypeBillingRefused = "BillingRequestRefused"
)

// CardDeclinedError is a payment the card issuer refused; Reason is Stripe's
// decline code (e.g. "insufficient_funds"). Retrying cannot help.
type CardDeclinedError struct{ Reason, Message string }

func (e *CardDeclinedError) Error() string {
	return fmt.Sprintf("card declined (%s): %s", e.Reason, e.Message)
}

// InvalidRequestError is a request the provider refused as malformed: a bug or
// a stale id, never fixed by retrying.
type InvalidRequestError struct{ Message string }

func (e *InvalidRequestError) Error() string { return "billing request refused: " + e.Message }
