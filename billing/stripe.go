package billing

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/stripe/stripe-go/v79"
	"github.com/stripe/stripe-go/v79/client"
)

// StripeParams configures the Stripe adapter.
type StripeParams struct {
	SecretKey string
	// URL overrides Stripe's API address (tests point it at stripe-mock).
	URL        string
	HTTPClient *http.Client
}

// Stripe is the production Provider. It never retries by itself: Temporal
// retries the activity, with the same idempotency key, so Stripe answers a
// retry with the first call's result.
type Stripe struct{ api *client.API }

// NewStripe builds the adapter.
func NewStripe(p StripeParams) *Stripe {
	none := int64(0)
	cfg := &stripe.BackendConfig{MaxNetworkRetries: &none, HTTPClient: p.HTTPClient,
		LeveledLogger: &stripe.LeveledLogger{Level: stripe.LevelNull}}
	if p.URL != "" {
		cfg.URL = stripe.String(p.URL)
	}
	backends := &stripe.Backends{
		API:     stripe.GetBackendWithConfig(stripe.APIBackend, cfg),
		Connect: stripe.GetBackendWithConfig(stripe.ConnectBackend, cfg),
		Uploads: stripe.GetBackendWithConfig(stripe.UploadsBackend, cfg),
	}
	return &Stripe{api: client.New(p.SecretKey, backends)}
}

// Name implements Provider.
func (s *Stripe) Name() string { return "stripe" }

func params(ctx context.Context, key string) stripe.Params {
	p := stripe.Params{Context: ctx}
	if key != "" {
		p.SetIdempotencyKey(key)
	}
	return p
}

// CreateCustomer implements Provider.
func (s *Stripe) CreateCustomer(ctx context.Context, p CustomerParams) (string, error) {
	cp := &stripe.CustomerParams{Params: params(ctx, p.IdempotencyKey), Name: stripe.String(p.Name),
		Email: stripe.String(p.Email), Metadata: map[string]string{"workspace_id": p.WorkspaceID}}
	c, err := s.api.Customers.New(cp)
	if err != nil {
		return "", classify("create customer", err)
	}
	return c.ID, nil
}

// UpdateAddress implements Provider.
func (s *Stripe) UpdateAddress(ctx context.Context, customerID string, a Address, key string) error {
	cp := &stripe.CustomerParams{Params: params(ctx, key), Address: &stripe.AddressParams{
		Line1: stripe.String(a.Line1), Line2: stripe.String(a.Line2), City: stripe.String(a.City),
		PostalCode: stripe.String(a.PostalCode), State: stripe.String(a.State), Country: stripe.String(a.Country)}}
	_, err := s.api.Customers.Update(customerID, cp)
	return classify("update address", err)
}

// priceID resolves a plan's lookup key, so prices can be replaced in Stripe
// without a deploy.
func (s *Stripe) priceID(ctx context.Context, lookupKey string) (string, error) {
	lp := &stripe.PriceListParams{LookupKeys: []*string{stripe.String(lookupKey)}, Active: stripe.Bool(true)}
	lp.Context = ctx
	it := s.api.Prices.List(lp)
	for it.Next() {
		return it.Price().ID, nil
	}
	if err := it.Err(); err != nil {
		return "", classify("find price "+lookupKey, err)
	}
	return "", &InvalidRequestError{Message: "no active price with lookup key " + lookupKey}
}

// CreateSubscription implements Provider. error_if_incomplete makes a declined
// first payment fail the call (402) instead of leaving an incomplete subscription.
func (s *Stripe) CreateSubscription(ctx context.Context, p SubscriptionParams) (Subscription, error) {
	price, err := s.priceID(ctx, p.PriceLookupKey)
	if err != nil {
		return Subscription{}, err
	}
	sp := &stripe.SubscriptionParams{Params: params(ctx, p.IdempotencyKey), Customer: stripe.String(p.CustomerID),
		Items:           []*stripe.SubscriptionItemsParams{{Price: stripe.String(price), Quantity: stripe.Int64(p.Quantity)}},
		PaymentBehavior: stripe.String("error_if_incomplete"),
		Metadata:        map[string]string{"workspace_id": p.WorkspaceID}}
	sub, err := s.api.Subscriptions.New(sp)
	if err != nil {
		return Subscription{}, classify("create subscription", err)
	}
	return fromStripe(sub), nil
}

// UpdateSubscription implements Provider.
func (s *Stripe) UpdateSubscription(ctx context.Context, p SubscriptionChange) (Subscription, error) {
	sp := &stripe.SubscriptionParams{Params: params(ctx, p.IdempotencyKey), CancelAtPeriodEnd: p.CancelAtPeriodEnd}
	if p.PriceLookupKey != "" || p.Quantity > 0 {
		cur, err := s.api.Subscriptions.Get(p.SubscriptionID, &stripe.SubscriptionParams{Params: params(ctx, "")})
		if err != nil {
			return Subscription{}, classify("read subscription", err)
		}
		item := &stripe.SubscriptionItemsParams{}
		if cur.Items != nil && len(cur.Items.Data) > 0 {
			item.ID = stripe.String(cur.Items.Data[0].ID)
		}
		if p.PriceLookupKey != "" {
			price, err := s.priceID(ctx, p.PriceLookupKey)
			if err != nil {
				return Subscription{}, err
			}
			item.Price = stripe.String(price)
		}
		if p.Quantity > 0 {
			item.Quantity = stripe.Int64(p.Quantity)
		}
		sp.Items = []*stripe.SubscriptionItemsParams{item}
		if p.ProrateNow {
			// Charge the difference now; a declined card fails the change.
			sp.ProrationBehavior = stripe.String("always_invoice")
			sp.PaymentBehavior = stripe.String("error_if_incomplete")
		} else {
			sp.ProrationBehavior = stripe.String("none")
		}
	}
	sub, err := s.api.Subscriptions.Update(p.SubscriptionID, sp)
	if err != nil {
		return Subscription{}, classify("update subscription", err)
	}
	return fromStripe(sub), nil
}

// CancelSubscription implements Provider: ends the subscription now (the
// workflow calls it when a scheduled end arrives).
func (s *Stripe) CancelSubscription(ctx context.Context, id, key string) (Subscription, error) {
	sub, err := s.api.Subscriptions.Cancel(id, &stripe.SubscriptionCancelParams{Params: params(ctx, key)})
	if err != nil {
		return Subscription{}, classify("cancel subscription", err)
	}
	return fromStripe(sub), nil
}

// GetSubscription implements Provider.
func (s *Stripe) GetSubscription(ctx context.Context, id string) (Subscription, error) {
	sub, err := s.api.Subscriptions.Get(id, &stripe.SubscriptionParams{Params: params(ctx, "")})
	if err != nil {
		return Subscription{}, classify("read subscription", err)
	}
	return fromStripe(sub), nil
}

// SetupIntent implements Provider.
func (s *Stripe) SetupIntent(ctx context.Context, customerID, key string) (string, error) {
	si, err := s.api.SetupIntents.New(&stripe.SetupIntentParams{Params: params(ctx, key),
		Customer: stripe.String(customerID), Usage: stripe.String("off_session")})
	if err != nil {
		return "", classify("create setup intent", err)
	}
	return si.ClientSecret, nil
}

// PortalURL implements Provider.
func (s *Stripe) PortalURL(ctx context.Context, customerID, returnURL string) (string, error) {
	ps, err := s.api.BillingPortalSessions.New(&stripe.BillingPortalSessionParams{Params: params(ctx, ""),
		Customer: stripe.String(customerID), ReturnURL: stripe.String(returnURL)})
	if err != nil {
		return "", classify("create portal session", err)
	}
	return ps.URL, nil
}

// ListInvoices implements Provider (the newest 100).
func (s *Stripe) ListInvoices(ctx context.Context, customerID string) ([]Invoice, error) {
	lp := &stripe.InvoiceListParams{Customer: stripe.String(customerID)}
	lp.Context = ctx
	lp.Limit = stripe.Int64(100)
	lp.Single = true
	it := s.api.Invoices.List(lp)
	var out []Invoice
	for it.Next() {
		out = append(out, invoiceFromStripe(it.Invoice()))
	}
	return out, classify("list invoices", it.Err())
}

// GetInvoice implements Provider; another customer's invoice is not found.
func (s *Stripe) GetInvoice(ctx context.Context, customerID, id string) (Invoice, error) {
	in, err := s.api.Invoices.Get(id, &stripe.InvoiceParams{Params: params(ctx, "")})
	var se *stripe.Error
	if errors.As(err, &se) && se.HTTPStatusCode == http.StatusNotFound {
		return Invoice{}, ErrInvoiceNotFound
	}
	if err != nil {
		return Invoice{}, classify("read invoice", err)
	}
	if in.Customer == nil || in.Customer.ID != customerID {
		return Invoice{}, ErrInvoiceNotFound
	}
	return invoiceFromStripe(in), nil
}

func fromStripe(sub *stripe.Subscription) Subscription {
	out := Subscription{ID: sub.ID, Status: string(sub.Status), CancelAtPeriodEnd: sub.CancelAtPeriodEnd,
		CurrentPeriodEnd: time.Unix(sub.CurrentPeriodEnd, 0).UTC()}
	if sub.Customer != nil {
		out.CustomerID = sub.Customer.ID
	}
	if sub.Items != nil && len(sub.Items.Data) > 0 {
		item := sub.Items.Data[0]
		out.Quantity = item.Quantity
		if item.Price != nil {
			out.PriceLookupKey = item.Price.LookupKey
		}
	}
	return out
}

func invoiceFromStripe(in *stripe.Invoice) Invoice {
	return Invoice{ID: in.ID, Number: in.Number, Status: string(in.Status), AmountCents: in.Total,
		Currency: string(in.Currency), PeriodStart: time.Unix(in.PeriodStart, 0).UTC(),
		PeriodEnd: time.Unix(in.PeriodEnd, 0).UTC(), CreatedAt: time.Unix(in.Created, 0).UTC(),
		HostedURL: in.HostedInvoiceURL, PDFURL: in.InvoicePDF}
}

// classify sorts Stripe's errors: card declines and invalid requests are final;
// rate limits, 5xx and network errors stay plain so the activity is retried.
func classify(what string, err error) error {
	if err == nil {
		return nil
	}
	var se *stripe.Error
	if errors.As(err, &se) {
		switch {
		case se.Type == stripe.ErrorTypeCard:
			reason := string(se.DeclineCode)
			if reason == "" {
				reason = string(se.Code)
			}
			return &CardDeclinedError{Reason: reason, Message: se.Msg}
		case se.Type == stripe.ErrorTypeInvalidRequest && se.HTTPStatusCode != http.StatusTooManyRequests:
			return &InvalidRequestError{Message: fmt.Sprintf("%s: %s", what, se.Msg)}
		}
	}
	return fmt.Errorf("stripe %s: %w", what, err)
}
