package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

func TestBillingContactsLicencesAndEvents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		ws := store.NewWorkspace("Billing", "team")
		ws.StripeCustomerID = "cus_" + store.NewSecret(4)
		if err := store.Insert(ctx, db, ws); err != nil {
			t.Fatal(err)
		}
		add := func(email, role string, billing, licence bool) {
			u, err := store.GetOrCreateUser(ctx, db, email, email)
			if err != nil {
				t.Fatal(err)
			}
			m, err := store.AddMember(ctx, db, ws.ID, u, role, email)
			if err != nil {
				t.Fatal(err)
			}
			m.BillingContact, m.HostLicence = billing, licence
			if err := store.TouchMember(ctx, db, m, "billing_contact", "host_licence"); err != nil {
				t.Fatal(err)
			}
		}
		owner, payer := store.NewSecret(4)+"@o.test", store.NewSecret(4)+"@p.test"
		add(owner, store.RoleOwner, true, true)
		add(payer, store.RoleAdmin, true, false)
		add(store.NewSecret(4)+"@a.test", store.RoleAdmin, false, true)
		add(store.NewSecret(4)+"@m.test", store.RoleMember, false, true)

		emails, err := store.BillingContactEmails(ctx, db, ws.ID)
		slices.Sort(emails)
		want := []string{owner, payer}
		slices.Sort(want)
		if err != nil || !slices.Equal(emails, want) {
			t.Fatalf("billing contacts %v %v, want %v", emails, err, want)
		}
		if n, err := store.CountLicences(ctx, db, ws.ID); err != nil || n != 3 {
			t.Fatalf("licences %d %v", n, err)
		}
		if got, err := store.WorkspaceByCustomer(ctx, db, ws.StripeCustomerID); err != nil || got.ID != ws.ID {
			t.Fatalf("workspace by customer: %v", err)
		}
		ev := &store.BillingEvent{ID: "evt_" + store.NewSecret(4), WorkspaceID: ws.ID, Type: "invoice.paid"}
		if err := store.RecordBillingEvent(ctx, db, ev); err != nil {
			t.Fatal(err)
		}
		if err := store.RecordBillingEvent(ctx, db, &store.BillingEvent{ID: ev.ID, WorkspaceID: ws.ID, Type: ev.Type}); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("second record of one event: %v, want ErrConflict", err)
		}
		acc, _ := store.GetBillingAccount(ctx, db, ws.ID)
		acc.Seats = 4
		if err := store.SaveBillingAccount(ctx, db, acc); err != nil {
			t.Fatal(err)
		}
		acc.Seats = 5
		if err := store.SaveBillingAccount(ctx, db, acc); err != nil {
			t.Fatal(err)
		}
		if again, _ := store.GetBillingAccount(ctx, db, ws.ID); again.Seats != 5 {
			t.Fatalf("billing account %+v", again)
		}
		if err := store.DeleteWorkspace(ctx, db, ws.ID); err != nil {
			t.Fatalf("erase a workspace with billing rows: %v", err)
		}
	})
}
