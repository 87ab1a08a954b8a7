package billing_test

import (
	"context"
	"errors"
	"testing"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/billing"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

func TestLocalProviderHonoursIdempotencyKeysAndDeclines(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		l := billing.NewLocal(db)
		ws := store.NewWorkspace("Local", "free")
		if err := store.Insert(ctx, db, ws); err != nil {
			t.Fatal(err)
		}
		cus, err := l.CreateCustomer(ctx, billing.CustomerParams{WorkspaceID: ws.ID, IdempotencyKey: "k-cus"})
		if err != nil {
			t.Fatal(err)
		}
		l.Decline(cus, "insufficient_funds")
		params := billing.SubscriptionParams{CustomerID: cus, WorkspaceID: ws.ID, PriceLookupKey: "onair_team_licence_monthly", Quantity: 3, IdempotencyKey: "k-sub"}
		_, err = l.CreateSubscription(ctx, params)
		var declined *billing.CardDeclinedError
		if !errors.As(err, &declined) || declined.Reason != "insufficient_funds" {
			t.Fatalf("declined card: %v", err)
		}
		first, err := l.CreateSubscription(ctx, params) // the key was released by the failure
		if err != nil {
			t.Fatal(err)
		}
		again, err := l.CreateSubscription(ctx, params)
		if err != nil || again.ID != first.ID {
			t.Fatalf("retry with the same key: %+v %v, want %s", again, err, first.ID)
		}
		up, err := l.UpdateSubscription(ctx, billing.SubscriptionChange{SubscriptionID: first.ID, Quantity: 5, ProrateNow: true, IdempotencyKey: "k-up"})
		if err != nil || up.Quantity != 5 {
			t.Fatalf("more seats: %+v %v", up, err)
		}
		if _, err := l.UpdateSubscription(ctx, billing.SubscriptionChange{SubscriptionID: first.ID, Quantity: 5, ProrateNow: true, IdempotencyKey: "k-up"}); err != nil {
			t.Fatal(err)
		}
		invoices, err := l.ListInvoices(ctx, cus)
		if err != nil || len(invoices) != 2 {
			t.Fatalf("invoices %+v %v, want the first period and one proration", invoices, err)
		}
		if invoices[0].AmountCents != 2*7900 || invoices[1].AmountCents != 3*7900 {
			t.Fatalf("amounts %d, %d", invoices[0].AmountCents, invoices[1].AmountCents)
		}
		if _, err := l.GetInvoice(ctx, "cus_someone_else", invoices[0].ID); !errors.Is(err, billing.ErrInvoiceNotFound) {
			t.Fatalf("another customer's invoice: %v", err)
		}
	})
}
