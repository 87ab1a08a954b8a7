package billing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/store"
)

// Local is the offline Provider of `onair dev`: subscriptions and invoices
// live in the store, every charge succeeds unless Decline was called, and
// idempotency keys are honoured like Stripe's.
type Local struct {
	db *bun.DB
	mu sync.Mutex
	// declines holds the decline code of the next charge, per customer.
	declines map[string]string
}

// NewLocal builds the local provider over the store.
func NewLocal(db *bun.DB) *Local { return &Local{db: db, declines: map[string]string{}} }

// localPeriod is the length of a local billing period.
const localPeriod = 30 * 24 * time.Hour

// Name implements Provider.
func (l *Local) Name() string { return "local" }

// Decline makes the next charge of customerID fail with reason (e.g.
// "insufficient_funds"), to try the card-declined path offline.
func (l *Local) Decline(customerID, reason string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.declines[customerID] = reason
}

func (l *Local) charge(customerID string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if reason, ok := l.declines[customerID]; ok {
		delete(l.declines, customerID)
		return &CardDeclinedError{Reason: reason, Message: "the card was declined (local provider)"}
	}
	return nil
}

// once runs fn the first time key is seen and replays its stored result after.
func (l *Local) once(ctx context.Context, key string, out any, fn func() (any, error)) error {
	if key == "" {
		v, err := fn()
		if err != nil {
			return err
		}
		return remarshal(v, out)
	}
	const scope = "billing-local"
	prev, err := store.ReserveIdempotency(ctx, l.db, scope, key, "")
	if err != nil {
		return err
	}
	if prev != nil {
		if prev.StatusCode == 0 {
			return fmt.Errorf("local billing: request %s still in progress", key)
		}
		return json.Unmarshal(prev.Body, out)
	}
	v, err := fn()
	if err != nil {
		_ = store.ReleaseIdempotency(context.WithoutCancel(ctx), l.db, scope, key)
		return err
	}
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if err := store.CompleteIdempotency(ctx, l.db, scope, key, 200, body); err != nil {
		return err
	}
	return json.Unmarshal(body, out)
}

func remarshal(v, out any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, out)
}

// CreateCustomer implements Provider.
func (l *Local) CreateCustomer(ctx context.Context, p CustomerParams) (string, error) {
	var id string
	err := l.once(ctx, p.IdempotencyKey, &id, func() (any, error) { return "cus_local_" + p.WorkspaceID, nil })
	return id, err
}

// UpdateAddress implements Provider; the address is kept by onair itself.
func (l *Local) UpdateAddress(context.Context, string, Address, string) error { return nil }

func (l *Local) priceOf(lookupKey string) (int64, error) {
	for _, p := range plans {
		if p.PriceLookupKey == lookupKey && lookupKey != "" {
			return p.MonthlyPriceCents, nil
		}
	}
	return 0, &InvalidRequestError{Message: "no price with lookup key " + lookupKey}
}

// CreateSubscription implements Provider: charges the first period at once.
func (l *Local) CreateSubscription(ctx context.Context, p SubscriptionParams) (Subscription, error) {
	var out Subscription
	err := l.once(ctx, p.IdempotencyKey, &out, func() (any, error) {
		price, err := l.priceOf(p.PriceLookupKey)
		if err != nil {
			return nil, err
		}
		if p.Quantity < 1 {
			return nil, &InvalidRequestError{Message: "quantity must be at least 1"}
		}
		if err := l.charge(p.CustomerID); err != nil {
			return nil, err
		}
		t := store.Now()
		sub := &store.LocalSubscription{ID: store.NewID("sub"), WorkspaceID: p.WorkspaceID, CustomerID: p.CustomerID,
			PriceLookupKey: p.PriceLookupKey, Quantity: p.Quantity, Status: "active", CurrentPeriodEnd: t.Add(localPeriod), CreatedAt: t}
		err = store.CreateLocalSubscription(ctx, l.db, sub, newLocalInvoice(sub, price*p.Quantity, t))
		return localToSubscription(sub), err
	})
	return out, err
}

// newLocalInvoice is a paid invoice of amount for sub's period from start (the store numbers it).
func newLocalInvoice(sub *store.LocalSubscription, amount int64, start time.Time) *store.LocalInvoice {
	return &store.LocalInvoice{ID: store.NewID("in"), WorkspaceID: sub.WorkspaceID, CustomerID: sub.CustomerID,
		Status: "paid", AmountCents: amount, Currency: "usd", PeriodStart: start, PeriodEnd: sub.CurrentPeriodEnd, CreatedAt: start}
}

func (l *Local) load(ctx context.Context, id string) (*store.LocalSubscription, error) {
	sub, err := store.LocalSubscriptionByID(ctx, l.db, id)
	if err != nil {
		return nil, &InvalidRequestError{Message: "no such subscription " + id}
	}
	return sub, nil
}

// UpdateSubscription implements Provider; ProrateNow invoices the increase.
func (l *Local) UpdateSubscription(ctx context.Context, p SubscriptionChange) (Subscription, error) {
	var out Subscription
	err := l.once(ctx, p.IdempotencyKey, &out, func() (any, error) {
		sub, err := l.load(ctx, p.SubscriptionID)
		if err != nil {
			return nil, err
		}
		before, _ := l.priceOf(sub.PriceLookupKey)
		before *= sub.Quantity
		if p.PriceLookupKey != "" {
			if _, err := l.priceOf(p.PriceLookupKey); err != nil {
				return nil, err
			}
			sub.PriceLookupKey = p.PriceLookupKey
		}
		if p.Quantity > 0 {
			sub.Quantity = p.Quantity
		}
		if p.CancelAtPeriodEnd != nil {
			sub.CancelAtPeriodEnd = *p.CancelAtPeriodEnd
		}
		after, _ := l.priceOf(sub.PriceLookupKey)
		after *= sub.Quantity
		if p.ProrateNow && after > before {
			if err := l.charge(sub.CustomerID); err != nil {
				return nil, err
			}
		}
		var prorated *store.LocalInvoice
		if p.ProrateNow && after > before {
			prorated = newLocalInvoice(sub, after-before, store.Now())
		}
		err = store.SaveLocalSubscription(ctx, l.db, sub, prorated)
		return localToSubscription(sub), err
	})
	return out, err
}

// CancelSubscription implements Provider.
func (l *Local) CancelSubscription(ctx context.Context, id, key string) (Subscription, error) {
	var out Subscription
	err := l.once(ctx, key, &out, func() (any, error) {
		sub, err := l.load(ctx, id)
		if err != nil {
			return nil, err
		}
		sub.Status = "canceled"
		return localToSubscription(sub), store.Update(ctx, l.db, sub, "status")
	})
	return out, err
}

// GetSubscription implements Provider.
func (l *Local) GetSubscription(ctx context.Context, id string) (Subscription, error) {
	sub, err := l.load(ctx, id)
	if err != nil {
		return Subscription{}, err
	}
	return localToSubscription(sub), nil
}

// SetupIntent implements Provider: a placeholder secret, there is no card form offline.
func (l *Local) SetupIntent(_ context.Context, customerID, _ string) (string, error) {
	return "seti_local_" + customerID + "_secret_" + store.NewSecret(8), nil
}

// PortalURL implements Provider: the return URL itself, with a marker.
func (l *Local) PortalURL(_ context.Context, _ string, returnURL string) (string, error) {
	return returnURL + "?portal=" + url.QueryEscape("local"), nil
}

// ListInvoices implements Provider, newest first.
func (l *Local) ListInvoices(ctx context.Context, customerID string) ([]Invoice, error) {
	rows, err := store.LocalInvoices(ctx, l.db, customerID, 100)
	if err != nil {
		return nil, err
	}
	out := make([]Invoice, 0, len(rows))
	for _, r := range rows {
		out = append(out, localToInvoice(r))
	}
	return out, nil
}

// GetInvoice implements Provider.
func (l *Local) GetInvoice(ctx context.Context, customerID, id string) (Invoice, error) {
	r, err := store.LocalInvoiceByID(ctx, l.db, customerID, id)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return Invoice{}, err
		}
		return Invoice{}, ErrInvoiceNotFound
	}
	return localToInvoice(*r), nil
}

func localToSubscription(s *store.LocalSubscription) Subscription {
	return Subscription{ID: s.ID, CustomerID: s.CustomerID, Status: s.Status, PriceLookupKey: s.PriceLookupKey,
		Quantity: s.Quantity, CurrentPeriodEnd: s.CurrentPeriodEnd, CancelAtPeriodEnd: s.CancelAtPeriodEnd}
}

func localToInvoice(r store.LocalInvoice) Invoice {
	return Invoice{ID: r.ID, Number: r.Number, Status: r.Status, AmountCents: r.AmountCents, Currency: r.Currency,
		PeriodStart: r.PeriodStart, PeriodEnd: r.PeriodEnd, CreatedAt: r.CreatedAt}
}
