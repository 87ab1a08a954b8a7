package store_test

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

// The relay reads a page's registrants in one statement: a speaker's delivery, a registrant
// deleted since and one whose delivery names another workspace find nobody.
func TestDeliveryRegistrants(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		ev, ses := seedSession(t, db, store.EventSettings{}, 10)
		var regs []*store.Registrant
		for _, addr := range []string{"kept@example.com", "gone@example.com", "moved@example.com"} {
			reg, _, err := store.Register(ctx, db, store.Registration{Event: ev, Session: ses, Email: addr})
			if err != nil {
				t.Fatal(err)
			}
			regs = append(regs, reg)
		}
		if err := store.DeleteRegistrant(ctx, db, ses.WorkspaceID, regs[1].ID); err != nil {
			t.Fatal(err)
		}
		page := []store.Delivery{
			{WorkspaceID: ses.WorkspaceID, RecipientID: regs[0].ID},
			{WorkspaceID: ses.WorkspaceID, RecipientID: regs[1].ID},
			{WorkspaceID: "ws_other", RecipientID: regs[2].ID},
			{WorkspaceID: ses.WorkspaceID, RecipientID: store.NewID("stf")},
		}
		got, err := store.DeliveryRegistrants(ctx, db, page)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[regs[0].ID] == nil || got[regs[0].ID].Email != "kept@example.com" {
			t.Fatalf("registrants %v, want only %s", got, regs[0].ID)
		}
	})
}
