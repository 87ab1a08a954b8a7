package billing

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// Traced wraps p so that every call to the payment provider (Stripe's API, or the local
// provider's store) is a client span of the caller's trace, named after the call. A nil tp
// returns p as it is.
func Traced(p Provider, tp trace.TracerProvider) Provider {
	if tp == nil {
		return p
	}
	return tracedProvider{next: p, tracer: tp.Tracer("github.com/onairhq/onair/billing")}
}

type tracedProvider struct {
	next   Provider
	tracer trace.Tracer
}

// call runs f in a span "billing <name>"; Stripe's errors name no card data, so their text
// is kept.
func call[T any](ctx context.Context, t tracedProvider, name string, f func(context.Context) (T, error)) (T, error) {
	ctx, span := t.tracer.Start(ctx, "billing "+name, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("onair.billing.provider", t.next.Name())))
	defer span.End()
	v, err := f(ctx)
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
	return v, err
}

func (t tracedProvider) Name() string { return t.next.Name() }

func (t tracedProvider) CreateCustomer(ctx context.Context, p CustomerParams) (string, error) {
	return call(ctx, t, "CreateCustomer", func(ctx context.Context) (string, error) { return t.next.CreateCustomer(ctx, p) })
}

func (t tracedProvider) UpdateAddress(ctx context.Context, customerID string, a Address, key string) error {
	_, err := call(ctx, t, "UpdateAddress", func(ctx context.Context) (struct{}, error) {
		return struct{}{}, t.next.UpdateAddress(ctx, customerID, a, key)
	})
	return err
}

func (t tracedProvider) CreateSubscription(ctx context.Context, p SubscriptionParams) (Subscription, error) {
	return call(ctx, t, "CreateSubscription", func(ctx context.Context) (Subscription, error) { return t.next.CreateSubscription(ctx, p) })
}

func (t tracedProvider) UpdateSubscription(ctx context.Context, p SubscriptionChange) (Subscription, error) {
	return call(ctx, t, "UpdateSubscription", func(ctx context.Context) (Subscription, error) { return t.next.UpdateSubscription(ctx, p) })
}

func (t tracedProvider) CancelSubscription(ctx context.Context, id, key string) (Subscription, error) {
	return call(ctx, t, "CancelSubscription", func(ctx context.Context) (Subscription, error) { return t.next.CancelSubscription(ctx, id, key) })
}

func (t tracedProvider) GetSubscription(ctx context.Context, id string) (Subscription, error) {
	return call(ctx, t, "GetSubscription", func(ctx context.Context) (Subscription, error) { return t.next.GetSubscription(ctx, id) })
}

func (t tracedProvider) SetupIntent(ctx context.Context, customerID, key string) (string, error) {
	return call(ctx, t, "SetupIntent", func(ctx context.Context) (string, error) { return t.next.SetupIntent(ctx, customerID, key) })
}

func (t tracedProvider) PortalURL(ctx context.Context, customerID, returnURL string) (string, error) {
	return call(ctx, t, "PortalURL", func(ctx context.Context) (string, error) { return t.next.PortalURL(ctx, customerID, returnURL) })
}

func (t tracedProvider) ListInvoices(ctx context.Context, customerID string) ([]Invoice, error) {
	return call(ctx, t, "ListInvoices", func(ctx context.Context) ([]Invoice, error) { return t.next.ListInvoices(ctx, customerID) })
}

func (t tracedProvider) GetInvoice(ctx context.Context, customerID, invoiceID string) (Invoice, error) {
	return call(ctx, t, "GetInvoice", func(ctx context.Context) (Invoice, error) { return t.next.GetInvoice(ctx, customerID, invoiceID) })
}
