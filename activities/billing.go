package activities

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/onairhq/onair/billing"
	"github.com/onairhq/onair/liveroles"
	"github.com/onairhq/onair/mail"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/webhookevents"
)

// providerError makes the provider's final refusals non-retryable; anything
// else (5xx, timeouts, rate limits) is retried with the same idempotency key.
func providerError(what string, err error) error {
	var declined *billing.CardDeclinedError
	var invalid *billing.InvalidRequestError
	switch {
	case errors.As(err, &declined):
		return temporal.NewNonRetryableApplicationError(declined.Message, billing.ErrTypeCardDeclined, err, declined.Reason)
	case errors.As(err, &invalid):
		return temporal.NewNonRetryableApplicationError(invalid.Message, billing.ErrTypeBillingRefused, err)
	case err != nil:
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// EnsureCustomerInput asks for the workspace's billing customer.
type EnsureCustomerInput struct {
	WorkspaceID, IdempotencyKey string
}

// EnsureCustomerResult is the customer's provider id.
type EnsureCustomerResult struct{ CustomerID string }

// EnsureCustomer returns the workspace's customer, creating it the first time.
func (a *Activities) EnsureCustomer(ctx context.Context, in EnsureCustomerInput) (EnsureCustomerResult, error) {
	ws, err := store.GetWorkspace(ctx, a.DB, in.WorkspaceID)
	if err != nil {
		return EnsureCustomerResult{}, err
	}
	if ws.StripeCustomerID != "" {
		return EnsureCustomerResult{CustomerID: ws.StripeCustomerID}, nil
	}
	emails, err := store.BillingContactEmails(ctx, a.DB, ws.ID)
	if err != nil {
		return EnsureCustomerResult{}, err
	}
	email := ""
	if len(emails) > 0 {
		email = emails[0]
	}
	id, err := a.Billing.CreateCustomer(ctx, billing.CustomerParams{WorkspaceID: ws.ID, Name: ws.Name, Email: email, IdempotencyKey: in.IdempotencyKey})
	if err != nil {
		return EnsureCustomerResult{}, providerError("create customer", err)
	}
	ws.StripeCustomerID = id
	if err := store.TouchWorkspace(ctx, a.DB, ws, "stripe_customer_id"); err != nil {
		return EnsureCustomerResult{}, err
	}
	return EnsureCustomerResult{CustomerID: id}, nil
}

// CreateSubscriptionInput starts a paid plan.
type CreateSubscriptionInput struct {
	WorkspaceID, CustomerID, Plan string
	Seats                         int64
	IdempotencyKey                string
}

// CreateSubscription starts a paid subscription (charged at once).
func (a *Activities) CreateSubscription(ctx context.Context, in CreateSubscriptionInput) (billing.Subscription, error) {
	sub, err := a.Billing.CreateSubscription(ctx, billing.SubscriptionParams{CustomerID: in.CustomerID, WorkspaceID: in.WorkspaceID,
		PriceLookupKey: billing.PlanOf(in.Plan).PriceLookupKey, Quantity: in.Seats, IdempotencyKey: in.IdempotencyKey})
	return sub, providerError("create subscription", err)
}

// ChangeSubscriptionInput changes a subscription; zero values keep a field.
type ChangeSubscriptionInput struct {
	SubscriptionID    string
	Plan              string
	Seats             int64
	ProrateNow        bool
	CancelAtPeriodEnd *bool
	IdempotencyKey    string
}

// ChangeSubscription changes price, seats or the cancel flag.
func (a *Activities) ChangeSubscription(ctx context.Context, in ChangeSubscriptionInput) (billing.Subscription, error) {
	change := billing.SubscriptionChange{SubscriptionID: in.SubscriptionID, Quantity: in.Seats, ProrateNow: in.ProrateNow,
		CancelAtPeriodEnd: in.CancelAtPeriodEnd, IdempotencyKey: in.IdempotencyKey}
	if in.Plan != "" {
		change.PriceLookupKey = billing.PlanOf(in.Plan).PriceLookupKey
	}
	sub, err := a.Billing.UpdateSubscription(ctx, change)
	return sub, providerError("change subscription", err)
}

// EndSubscriptionInput ends a subscription now.
type EndSubscriptionInput struct{ SubscriptionID, IdempotencyKey string }

// EndSubscription cancels the subscription at once (a scheduled end arrived).
func (a *Activities) EndSubscription(ctx context.Context, in EndSubscriptionInput) (billing.Subscription, error) {
	sub, err := a.Billing.CancelSubscription(ctx, in.SubscriptionID, in.IdempotencyKey)
	return sub, providerError("end subscription", err)
}

// FetchSubscriptionInput names the subscription to re-read.
type FetchSubscriptionInput struct{ SubscriptionID string }

// FetchSubscription re-reads the subscription from the provider: webhook
// payloads may arrive out of order, the provider's current state does not.
func (a *Activities) FetchSubscription(ctx context.Context, in FetchSubscriptionInput) (billing.Subscription, error) {
	sub, err := a.Billing.GetSubscription(ctx, in.SubscriptionID)
	return sub, providerError("fetch subscription", err)
}

// SaveBillingStateInput is the workflow's state as the API shows it.
type SaveBillingStateInput struct {
	WorkspaceID, Plan, PendingPlan string
	SubscriptionID, Status         string
	Seats                          int
	CancelAtPeriodEnd              bool
	CurrentPeriodEnd               time.Time
	DunningSince                   time.Time
}

// SaveBillingState writes the plan on the workspace and the rest on its billing account.
func (a *Activities) SaveBillingState(ctx context.Context, in SaveBillingStateInput) error {
	ws, err := store.GetWorkspace(ctx, a.DB, in.WorkspaceID)
	if err != nil {
		return err
	}
	acc, err := store.GetBillingAccount(ctx, a.DB, in.WorkspaceID)
	if err != nil {
		return err
	}
	before := webhookevents.Subscription{Plan: ws.Plan, Status: acc.Status, Seats: acc.Seats, PeriodEnd: acc.CurrentPeriodEnd,
		CancelAtPeriodEnd: acc.CancelAtPeriodEnd}
	acc.SubscriptionID, acc.Status, acc.Seats, acc.PendingPlan = in.SubscriptionID, in.Status, in.Seats, in.PendingPlan
	acc.CancelAtPeriodEnd, acc.CurrentPeriodEnd, acc.DunningSince = in.CancelAtPeriodEnd, timePtr(in.CurrentPeriodEnd), timePtr(in.DunningSince)
	after := webhookevents.Subscription{Plan: in.Plan, Status: acc.Status, Seats: acc.Seats, PeriodEnd: acc.CurrentPeriodEnd,
		CancelAtPeriodEnd: acc.CancelAtPeriodEnd}
	oldPlan := ws.Plan
	ws.Plan = in.Plan
	// The state, and the subscription.updated event when what it reports changed, commit together.
	err = store.InTx(ctx, a.DB, func(ctx context.Context, tx bun.IDB) error {
		if err := store.SaveBillingAccount(ctx, tx, acc); err != nil {
			return err
		}
		if oldPlan != in.Plan {
			if err := store.TouchWorkspace(ctx, tx, ws, "plan"); err != nil {
				return err
			}
		}
		if subscriptionChanged(before, after) {
			return store.EmitWebhookEvent(ctx, tx, ws.ID, webhookevents.SubscriptionUpdated, after)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if oldPlan != in.Plan {
		a.Log.Info("workspace plan changed", "workspace", ws.ID, "plan", in.Plan)
		// Host rights follow the pricing model (spec §1): carry the change into the live rooms.
		liveroles.New(a.DB, a.Media, a.Log).PlanChanged(ctx, ws, oldPlan)
	}
	return nil
}

// subscriptionChanged reports whether anything a subscription.updated event shows changed.
func subscriptionChanged(a, b webhookevents.Subscription) bool {
	samePeriod := (a.PeriodEnd == nil) == (b.PeriodEnd == nil) && (a.PeriodEnd == nil || a.PeriodEnd.Equal(*b.PeriodEnd))
	return a.Plan != b.Plan || a.Status != b.Status || a.Seats != b.Seats || a.CancelAtPeriodEnd != b.CancelAtPeriodEnd || !samePeriod
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

// SetSuspendedInput suspends (Suspended) or restores a workspace.
type SetSuspendedInput struct {
	WorkspaceID string
	Suspended   bool
	At          time.Time
}

// SetSuspended sets or clears Workspace.SuspendedAt.
func (a *Activities) SetSuspended(ctx context.Context, in SetSuspendedInput) error {
	ws, err := store.GetWorkspace(ctx, a.DB, in.WorkspaceID)
	if err != nil {
		return err
	}
	if (ws.SuspendedAt != nil) == in.Suspended {
		return nil
	}
	ws.SuspendedAt = nil
	if in.Suspended {
		ws.SuspendedAt = timePtr(in.At)
	}
	a.Log.Info("workspace suspension changed", "workspace", ws.ID, "suspended", in.Suspended)
	return store.TouchWorkspace(ctx, a.DB, ws, "suspended_at")
}

// SendBillingMailInput is one dunning e-mail to every billing contact.
type SendBillingMailInput struct {
	WorkspaceID, Kind string
	GraceEndsAt       time.Time
}

// invoiceToPay is the payment provider's own page for the workspace's newest open invoice
// (Stripe's hosted invoice page, where a billing contact pays with another card), or empty
// when there is none: the e-mail then says how to do it through the API, and links nowhere
// a browser cannot open. A provider that cannot answer only costs the e-mail its button.
func (a *Activities) invoiceToPay(ctx context.Context, ws *store.Workspace) string {
	if ws.StripeCustomerID == "" || a.Billing == nil {
		return ""
	}
	invoices, err := a.Billing.ListInvoices(ctx, ws.StripeCustomerID)
	if err != nil {
		a.Log.Warn("billing e-mail without its invoice link", "workspace", ws.ID, "err", err)
		return ""
	}
	var newest billing.Invoice
	for _, in := range invoices {
		if in.Status == "open" && in.HostedURL != "" && in.CreatedAt.After(newest.CreatedAt) {
			newest = in
		}
	}
	return newest.HostedURL
}

// SendBillingMail e-mails the workspace's billing contacts.
func (a *Activities) SendBillingMail(ctx context.Context, in SendBillingMailInput) error {
	ws, err := store.GetWorkspace(ctx, a.DB, in.WorkspaceID)
	if err != nil {
		return err
	}
	emails, err := store.BillingContactEmails(ctx, a.DB, ws.ID)
	if err != nil {
		return err
	}
	if _, err := mail.DefaultTemplate(in.Kind); err != nil {
		return temporal.NewNonRetryableApplicationError(err.Error(), "UnknownMailKind", err)
	}
	own, err := store.TemplateFor(ctx, a.DB, ws.ID, ws.Language, mail.StoredKinds(in.Kind))
	if errors.Is(err, store.ErrNotFound) {
		own, err = nil, nil
	}
	if err != nil {
		return err
	}
	// Billing e-mails go to the team, in the workspace's language, with its brand.
	data := mail.Dunning{WorkspaceName: ws.Name, GraceEndsAt: in.GraceEndsAt, BillingURL: a.invoiceToPay(ctx, ws)}
	if loc, err := time.LoadLocation(ws.Timezone); err == nil {
		data.GraceEndsAt = data.GraceEndsAt.In(loc) // the team's wall clock
	}
	for _, to := range emails {
		env := mail.Envelope{Kind: in.Kind, To: to, Lang: ws.Language, Brand: a.workspaceBrand(ws), Data: data}
		m, err := mail.ComposeWithFallback(env, own.MailTemplate(), func(err error) {
			a.Log.Warn("e-mail template failed, sent the default", "workspace", ws.ID, "template", own.ID, "kind", in.Kind, "err", err)
		})
		if err != nil {
			return fmt.Errorf("compose %s to billing contact: %w", in.Kind, err)
		}
		m.ID = billingMailID(activity.GetInfo(ctx), to)
		if err := a.Mail.Send(ctx, m); err != nil {
			return fmt.Errorf("send %s: %w", in.Kind, err)
		}
	}
	a.Log.Info("billing e-mail sent", "workspace", ws.ID, "kind", in.Kind, "recipients", len(emails))
	return nil
}

// billingMailID names one billing e-mail to one contact for good. A dunning e-mail has no
// delivery row; the activity that sends it keeps its identity across retries, so a retry
// re-sends under the same Message-ID. Hashed: the Message-ID shows neither ids nor address.
func billingMailID(info activity.Info, to string) string {
	sum := sha256.Sum256([]byte(info.WorkflowExecution.ID + "\x00" + info.WorkflowExecution.RunID + "\x00" + info.ActivityID + "\x00" + to))
	return "bil_" + hex.EncodeToString(sum[:16])
}

// UpdateAddressInput sets the customer's billing address.
type UpdateAddressInput struct {
	CustomerID     string
	Address        billing.Address
	IdempotencyKey string
}

// UpdateAddress writes the billing address at the provider.
func (a *Activities) UpdateAddress(ctx context.Context, in UpdateAddressInput) error {
	return providerError("update address", a.Billing.UpdateAddress(ctx, in.CustomerID, in.Address, in.IdempotencyKey))
}
