package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

// The local provider's invoices are numbered per customer in issue order and listed newest
// first; a change without an invoice issues none, and a customer sees only their own.
func TestLocalSubscriptionInvoicesAreNumberedPerCustomer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		t0 := store.Now()
		sub := &store.LocalSubscription{ID: store.NewID("sub"), WorkspaceID: "ws_1", CustomerID: "cus_1", PriceLookupKey: "k",
			Quantity: 1, Status: "active", CurrentPeriodEnd: t0.Add(30 * 24 * time.Hour), CreatedAt: t0}
		invoice := func(amount int64) *store.LocalInvoice {
			return &store.LocalInvoice{ID: store.NewID("in"), WorkspaceID: "ws_1", CustomerID: "cus_1", Status: "paid",
				AmountCents: amount, Currency: "usd", PeriodStart: t0, PeriodEnd: sub.CurrentPeriodEnd, CreatedAt: t0}
		}
		if err := store.CreateLocalSubscription(ctx, db, sub, invoice(100)); err != nil {
			t.Fatal(err)
		}
		sub.Quantity = 3
		if err := store.SaveLocalSubscription(ctx, db, sub, invoice(200)); err != nil {
			t.Fatal(err)
		}
		sub.CancelAtPeriodEnd = true
		if err := store.SaveLocalSubscription(ctx, db, sub, nil); err != nil {
			t.Fatal(err)
		}
		got, err := store.LocalSubscriptionByID(ctx, db, sub.ID)
		if err != nil || got.Quantity != 3 || !got.CancelAtPeriodEnd {
			t.Fatalf("subscription %+v, %v", got, err)
		}
		rows, err := store.LocalInvoices(ctx, db, "cus_1", 100)
		if err != nil || len(rows) != 2 || rows[0].Number != "LOCAL-0002" || rows[0].AmountCents != 200 || rows[1].Number != "LOCAL-0001" {
			t.Fatalf("invoices %+v, %v; want LOCAL-0002 then LOCAL-0001", rows, err)
		}
		if _, err := store.LocalInvoiceByID(ctx, db, "cus_2", rows[0].ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another customer's invoice: %v", err)
		}
		if _, err := store.LocalSubscriptionByID(ctx, db, "sub_unknown"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown subscription: %v", err)
		}
	})
}
