package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

// An unsubscribe link names its workspace and address under the key that made it; a
// tampered, truncated or foreign one names nothing, and no key verifies nothing.
func TestUnsubscribeSecret(t *testing.T) {
	wsID := store.NewID("wsp")
	secret := testLinks.UnsubscribeSecret(wsID, " Ada@Example.com ")
	ws, email, ok := testLinks.ParseUnsubscribe(secret)
	if !ok || ws != wsID || email != "ada@example.com" {
		t.Fatalf("ParseUnsubscribe(%s) = %q, %q, %v", secret, ws, email, ok)
	}
	parts := strings.Split(secret, ".")
	other := testLinks.UnsubscribeSecret(wsID, "bob@example.com")
	for name, bad := range map[string]string{
		"another address under this mac": strings.Join([]string{parts[0], parts[1], strings.Split(other, ".")[2], parts[3]}, "."),
		"truncated":                      secret[:len(secret)-1],
		"another key":                    store.LinkKey("another key of at least thirty-two bytes").UnsubscribeSecret(ws, email),
		"a join secret":                  testLinks.Secret(store.LinkJoin, store.NewID("reg"), 0),
		"empty":                          "",
	} {
		if _, _, ok := testLinks.ParseUnsubscribe(bad); ok {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, _, ok := store.LinkKey(nil).ParseUnsubscribe(store.LinkKey(nil).UnsubscribeSecret(ws, email)); ok {
		t.Error("an empty key verified a secret")
	}
}

// An unsubscribe from everything stops every kind for that workspace only; adding it twice
// is harmless (a mail provider may post the one-click unsubscribe again).
func TestUnsubscribed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		for range 2 {
			if err := store.AddUnsubscribe(ctx, db, "wsp_a", "Ada@Example.com", store.UnsubscribeAll); err != nil {
				t.Fatal(err)
			}
		}
		if err := store.AddUnsubscribe(ctx, db, "wsp_b", "ada@example.com", "reminder"); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			ws, email, kind string
			want            bool
		}{
			{"wsp_a", "ada@example.com", "reminder", true},
			{"wsp_a", "ADA@example.com", "followup_missed", true},
			{"wsp_b", "ada@example.com", "reminder", true},
			{"wsp_b", "ada@example.com", "session_invitation", false},
			{"wsp_c", "ada@example.com", "reminder", false},
			{"wsp_a", "bob@example.com", "reminder", false},
		} {
			got, err := store.Unsubscribed(ctx, db, c.ws, c.email, c.kind)
			if err != nil || got != c.want {
				t.Errorf("Unsubscribed(%s, %s, %s) = %v, %v; want %v", c.ws, c.email, c.kind, got, err, c.want)
			}
		}
	})
}

// A recipient gets the workspace's template written in their language, else the one
// written for every language, else none (the default).
func TestTemplateForPrefersTheRecipientsLanguage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		add := func(lang, kind, subject string, age time.Duration) {
			t0 := store.Now().Add(-age)
			tpl := &store.EmailTemplate{ID: store.NewID("tpl"), WorkspaceID: "wsp_t", OwnerID: "usr_1", Name: subject, Kind: kind,
				Language: lang, Subject: subject, Body: "B", CreatedAt: t0, UpdatedAt: t0}
			if err := store.Insert(ctx, db, tpl); err != nil {
				t.Fatal(err)
			}
		}
		add("", "reminder", "any, newest", 0)
		add("fr", "reminder", "fr", time.Hour)
		add("en", "confirmation", "en only", 0)
		for _, c := range []struct{ lang, kind, want string }{
			{"fr", "reminder", "fr"}, {"en", "reminder", "any, newest"}, {"en", "confirmation", "en only"}, {"fr", "confirmation", ""},
		} {
			got, err := store.TemplateFor(ctx, db, "wsp_t", c.lang, []string{c.kind})
			if c.want == "" {
				if err == nil {
					t.Errorf("%s %s: got %q, want none", c.lang, c.kind, got.Subject)
				}
				continue
			}
			if err != nil || got.Subject != c.want {
				t.Errorf("%s %s: %v %v, want %q", c.lang, c.kind, got, err, c.want)
			}
		}
	})
}

// Every status change a registrant should hear about queues its e-mail in the same
// transaction: waitlisted, denied, cancelled by themselves or by the organizer.
func TestStatusChangesQueueTheirEmails(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		ev, ses := seedSession(t, db, store.EventSettings{Approval: true, Waitlist: true}, 1)
		reg := func(addr string) *store.Registrant {
			r, _, err := store.Register(ctx, db, store.Registration{Event: ev, Session: ses, Email: addr, JoinWaitlist: true})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		kinds := func(r *store.Registrant) []string {
			var rows []store.Delivery
			if err := db.NewSelect().Model(&rows).Where("recipient_id = ?", r.ID).OrderExpr("kind").Scan(ctx); err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, d := range rows {
				out = append(out, d.Kind)
			}
			return out
		}
		set := func(r *store.Registrant, c store.StatusChange) {
			c.Workspace, c.Registrant = r.WorkspaceID, r.ID
			if _, err := store.ChangeRegistrantStatus(ctx, db, c); err != nil {
				t.Fatal(err)
			}
		}
		ann, bob, cy, dee := reg("ann@example.com"), reg("bob@example.com"), reg("cy@example.com"), reg("dee@example.com")
		set(ann, store.StatusChange{Status: store.RegistrantApproved, Waitlist: true}) // takes the one seat
		set(bob, store.StatusChange{Status: store.RegistrantApproved, Waitlist: true}) // full: waitlisted
		set(cy, store.StatusChange{Status: store.RegistrantDenied})
		set(dee, store.StatusChange{Status: store.RegistrantCancelled})
		set(ann, store.StatusChange{Status: store.RegistrantCancelled, ByOrganizer: true}) // bob is promoted
		for _, c := range []struct {
			r    *store.Registrant
			want []string
		}{
			{ann, []string{store.DeliveryCancelledByOrganizer, store.DeliveryConfirmation, store.DeliveryReceived}},
			{bob, []string{store.DeliveryReceived, store.DeliveryWaitlistPromotion, store.DeliveryWaitlisted}},
			{cy, []string{store.DeliveryDenied, store.DeliveryReceived}},
			{dee, []string{store.DeliveryCancelledByAttendee, store.DeliveryReceived}},
		} {
			if got := kinds(c.r); !slices.Equal(got, c.want) {
				t.Errorf("%s: deliveries %v, want %v", c.r.Email, got, c.want)
			}
		}
	})
}
