package workflows_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/onairhq/onair/billing"
	"github.com/onairhq/onair/mail"
)

// providerCall is one mutating call the fake provider received.
type providerCall struct {
	Method, Key string
	Change      billing.SubscriptionChange
}

// fakeProvider is an in-memory billing.Provider on the test environment's
// clock; failures queued in fail[method] are returned by the next calls.
type fakeProvider struct {
	mu    sync.Mutex
	now   func() time.Time
	subs  map[string]*billing.Subscription
	calls []providerCall
	fail  map[string][]error
}

func newFakeProvider(now func() time.Time) *fakeProvider {
	return &fakeProvider{now: now, subs: map[string]*billing.Subscription{}, fail: map[string][]error{}}
}

func (f *fakeProvider) record(method, key string, change billing.SubscriptionChange) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, providerCall{Method: method, Key: key, Change: change})
	if errs := f.fail[method]; len(errs) > 0 {
		f.fail[method] = errs[1:]
		return errs[0]
	}
	return nil
}

func (f *fakeProvider) callsOf(method string) []providerCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []providerCall
	for _, c := range f.calls {
		if c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

func (f *fakeProvider) setStatus(id, status string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.subs[id].Status = status
}

func (f *fakeProvider) Name() string { return "fake" }

func (f *fakeProvider) CreateCustomer(_ context.Context, p billing.CustomerParams) (string, error) {
	return "cus_" + p.WorkspaceID, f.record("CreateCustomer", p.IdempotencyKey, billing.SubscriptionChange{})
}

func (f *fakeProvider) UpdateAddress(context.Context, string, billing.Address, string) error {
	return nil
}

func (f *fakeProvider) CreateSubscription(_ context.Context, p billing.SubscriptionParams) (billing.Subscription, error) {
	if err := f.record("CreateSubscription", p.IdempotencyKey, billing.SubscriptionChange{PriceLookupKey: p.PriceLookupKey, Quantity: p.Quantity}); err != nil {
		return billing.Subscription{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	sub := &billing.Subscription{ID: fmt.Sprintf("sub_%d", len(f.subs)+1), CustomerID: p.CustomerID, Status: "active",
		PriceLookupKey: p.PriceLookupKey, Quantity: p.Quantity, CurrentPeriodEnd: f.now().Add(30 * 24 * time.Hour)}
	f.subs[sub.ID] = sub
	return *sub, nil
}

func (f *fakeProvider) UpdateSubscription(_ context.Context, p billing.SubscriptionChange) (billing.Subscription, error) {
	if err := f.record("UpdateSubscription", p.IdempotencyKey, p); err != nil {
		return billing.Subscription{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	sub := f.subs[p.SubscriptionID]
	if p.PriceLookupKey != "" {
		sub.PriceLookupKey = p.PriceLookupKey
	}
	if p.Quantity > 0 {
		sub.Quantity = p.Quantity
	}
	if p.CancelAtPeriodEnd != nil {
		sub.CancelAtPeriodEnd = *p.CancelAtPeriodEnd
	}
	return *sub, nil
}

func (f *fakeProvider) CancelSubscription(_ context.Context, id, key string) (billing.Subscription, error) {
	if err := f.record("CancelSubscription", key, billing.SubscriptionChange{SubscriptionID: id}); err != nil {
		return billing.Subscription{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.subs[id].Status = "canceled"
	return *f.subs[id], nil
}

func (f *fakeProvider) GetSubscription(_ context.Context, id string) (billing.Subscription, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return *f.subs[id], nil
}

func (f *fakeProvider) SetupIntent(context.Context, string, string) (string, error) {
	return "seti_secret", nil
}
func (f *fakeProvider) PortalURL(context.Context, string, string) (string, error) { return "", nil }
func (f *fakeProvider) ListInvoices(context.Context, string) ([]billing.Invoice, error) {
	return nil, nil
}
func (f *fakeProvider) GetInvoice(context.Context, string, string) (billing.Invoice, error) {
	return billing.Invoice{}, billing.ErrInvoiceNotFound
}

// mailbox records sent messages by kind, with their ids. With loseAnswers set, it keeps
// that many messages and then reports a failure, as an SMTP server whose 250 never arrived.
type mailbox struct {
	mu          sync.Mutex
	kinds, ids  []string
	loseAnswers int
}

func (m *mailbox) Send(_ context.Context, msg mail.Message) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.kinds = append(m.kinds, msg.Headers["X-Onair-Kind"])
	m.ids = append(m.ids, msg.ID)
	if m.loseAnswers > 0 {
		m.loseAnswers--
		return errors.New("connection reset after the message was sent")
	}
	return nil
}

func (m *mailbox) sent() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.kinds...)
}
