package store_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
	"github.com/onairhq/onair/webhookevents"
)

// On Postgres an approved registration is one statement (registration_fast.go), and writes
// what the transaction writes: the same registrant, contact and pending confirmation. The
// transaction still runs where the statement does not apply: a workspace with a webhook
// endpoint (here subscribed to other events), a full session, a second registration.
func TestRegisterFastPathWritesWhatTheTransactionWrites(t *testing.T) {
	db := storetest.Postgres(t)
	ctx := context.Background()
	counter := &storetest.Queries{}
	db.AddQueryHook(counter)
	register := func(ev *store.Event, ses *store.Session, email string) (*store.Registrant, bool, int) {
		t.Helper()
		before := counter.Count("")
		r := store.Registration{Event: ev, Session: ses, Email: email, Name: "Léa Martin",
			Fields: map[string]string{"company": "Acme"}, Consented: true,
			Source: store.Source{UTMSource: "newsletter", UTMCampaign: "launch", Referrer: "https://example.org/blog"}}
		reg, created, err := store.Register(ctx, db, r)
		if err != nil {
			t.Fatal(err)
		}
		return reg, created, counter.Count("") - before
	}
	fastEv, fastSes := seedSession(t, db, store.EventSettings{}, 1)
	txEv, txSes := seedSession(t, db, store.EventSettings{}, 1)
	endpoint := &store.WebhookEndpoint{ID: store.NewID("whe"), WorkspaceID: txSes.WorkspaceID, URL: "https://hooks.example.org/in",
		Events: []string{webhookevents.SessionStarted}, CreatedBy: "usr_1", CreatedAt: store.Now()}
	if _, err := db.NewInsert().Model(endpoint).Exec(ctx); err != nil {
		t.Fatal(err)
	}

	fast, created, statements := register(fastEv, fastSes, "Lea@Example.com")
	if !created || statements != 1 {
		t.Fatalf("fast path: created %v in %d statements, want a new registrant in one", created, statements)
	}
	slow, created, statements := register(txEv, txSes, "Lea@Example.com")
	if !created || statements < 4 {
		t.Fatalf("workspace with a webhook endpoint: created %v in %d statements, want the transaction", created, statements)
	}

	type written struct {
		reg    store.Registrant
		person store.Person
		dlv    []store.Delivery
		seats  int
	}
	read := func(id string) written {
		t.Helper()
		var w written
		if err := db.NewSelect().Model(&w.reg).Where("id = ?", id).Scan(ctx); err != nil {
			t.Fatal(err)
		}
		if err := db.NewSelect().Model(&w.person).Where("id = ?", w.reg.PersonID).Scan(ctx); err != nil {
			t.Fatal(err)
		}
		if err := db.NewSelect().Model(&w.dlv).Where("recipient_id = ?", id).Scan(ctx); err != nil {
			t.Fatal(err)
		}
		if err := db.NewSelect().Model((*store.Session)(nil)).Column("seats_taken").Where("id = ?", w.reg.SessionID).Scan(ctx, &w.seats); err != nil {
			t.Fatal(err)
		}
		return w
	}
	a, b := read(fast.ID), read(slow.ID)
	if fast.PersonID != a.reg.PersonID {
		t.Errorf("returned person %s, stored %s", fast.PersonID, a.reg.PersonID)
	}
	// What differs by construction: ids, the workspace/event/session, the instants.
	for _, w := range []*written{&a, &b} {
		w.reg.ID, w.reg.WorkspaceID, w.reg.EventID, w.reg.SessionID, w.reg.PersonID = "", "", "", "", ""
		if w.reg.ConsentedAt == nil || !w.reg.ConsentedAt.Equal(w.reg.CreatedAt) {
			t.Errorf("consent at %v, want the registration's instant %v", w.reg.ConsentedAt, w.reg.CreatedAt)
		}
		w.reg.CreatedAt, w.reg.UpdatedAt, w.reg.ConsentedAt = a.reg.CreatedAt, a.reg.CreatedAt, nil
		w.person.ID, w.person.WorkspaceID, w.person.CreatedAt, w.person.UpdatedAt = "", "", a.person.CreatedAt, a.person.CreatedAt
		if len(w.dlv) != 1 {
			t.Fatalf("%d deliveries queued, want the confirmation alone", len(w.dlv))
		}
		w.dlv[0].ID, w.dlv[0].WorkspaceID, w.dlv[0].SessionID, w.dlv[0].RecipientID, w.dlv[0].CreatedAt = "", "", "", "", a.dlv[0].CreatedAt
	}
	if a.reg.Email != "lea@example.com" || a.reg.Status != store.RegistrantApproved || a.dlv[0].Kind != store.DeliveryConfirmation || !a.dlv[0].Pending {
		t.Errorf("fast path wrote %+v with %+v", a.reg, a.dlv[0])
	}
	if a.reg.Fields["company"] != "Acme" || a.reg.UTMSource != "newsletter" || a.reg.Referrer != "https://example.org/blog" {
		t.Errorf("fast path lost the answers or the source: %+v", a.reg)
	}
	if !equalJSON(t, a.reg, b.reg) || !equalJSON(t, a.person, b.person) || !equalJSON(t, a.dlv, b.dlv) || a.seats != 1 || b.seats != 1 {
		t.Errorf("fast path wrote\n%+v\n%+v\n%+v (seats %d)\nthe transaction\n%+v\n%+v\n%+v (seats %d)", a.reg, a.person, a.dlv, a.seats, b.reg, b.person, b.dlv, b.seats)
	}

	// The same e-mail again returns the first registrant, seats untouched; the session is now
	// full for anyone else.
	again, created, _ := register(fastEv, fastSes, "lea@example.com")
	if created || again.ID != fast.ID || read(fast.ID).seats != 1 {
		t.Errorf("second registration: created %v, id %s (first %s)", created, again.ID, fast.ID)
	}
	r := store.Registration{Event: fastEv, Session: fastSes, Email: "other@example.com"}
	if _, _, err := store.Register(ctx, db, r); err != store.ErrSessionFull {
		t.Errorf("registration to a full session: %v, want ErrSessionFull", err)
	}
	if n := storetest.Count(t, db, (*store.Person)(nil), "workspace_id = ?", fastSes.WorkspaceID); n != 1 {
		t.Errorf("%d contacts after a refused registration, want 1", n)
	}
}

// equalJSON compares two values as their JSON says them (times to the nanosecond, maps by key).
func equalJSON(t *testing.T, a, b any) bool {
	t.Helper()
	ja, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	jb, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return string(ja) == string(jb)
}

// RegisterApproved decides from a copy of the event a moment old (the public registration's):
// it writes nothing once the event was unpublished or its settings changed since the copy,
// and registers while both still hold.
func TestRegisterFastPathRefusesAStaleCopyOfTheEvent(t *testing.T) {
	db := storetest.Postgres(t)
	ctx := context.Background()
	ev, ses := seedSession(t, db, store.EventSettings{}, 10)
	at := store.Now()
	if _, err := db.NewUpdate().Model(ev).Set("published_at = ?", at).WherePK().Exec(ctx); err != nil {
		t.Fatal(err)
	}
	ev.PublishedAt = &at
	copyOf := *ev
	register := func(email string) bool {
		t.Helper()
		_, done, err := store.RegisterApproved(ctx, db, store.Registration{Event: &copyOf, Session: ses, Email: email})
		if err != nil {
			t.Fatal(err)
		}
		return done
	}
	if !register("first@example.com") {
		t.Fatal("not registered while the copy holds")
	}
	ev.Settings.Approval = true
	if err := store.Update(ctx, db, ev, "settings"); err != nil {
		t.Fatal(err)
	}
	if register("second@example.com") {
		t.Error("registered (approved) after the event started asking approval")
	}
	ev.Settings.Approval = false
	ev.PublishedAt = nil
	if err := store.Update(ctx, db, ev, "settings", "published_at"); err != nil {
		t.Fatal(err)
	}
	if register("third@example.com") {
		t.Error("registered after the event was unpublished")
	}
	if n := storetest.Count(t, db, (*store.Registrant)(nil), "session_id = ?", ses.ID); n != 1 {
		t.Errorf("%d registrants, want the first alone", n)
	}
	var seats int
	if err := db.NewSelect().Model((*store.Session)(nil)).Column("seats_taken").Where("id = ?", ses.ID).Scan(ctx, &seats); err != nil || seats != 1 {
		t.Errorf("%d seats taken (%v), want 1", seats, err)
	}
}
