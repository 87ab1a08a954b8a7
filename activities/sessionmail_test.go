package activities_test

import (
	"bytes"
	"context"
	"log/slog"
	"mime"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"go.temporal.io/sdk/testsuite"

	"github.com/onairhq/onair/activities"
	"github.com/onairhq/onair/mail"
	"github.com/onairhq/onair/mail/mailtest"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

var testLinks = store.LinkKey("0123456789abcdef0123456789abcdef-activities")

// delivered is one e-mail as the SMTP server received it.
type delivered struct {
	to, kind, subject, from, unsubscribe, unsubscribePost string
}

func inbox(t *testing.T, be *mailtest.Backend) []delivered {
	t.Helper()
	var out []delivered
	for _, r := range be.Messages() {
		m, err := netmail.ReadMessage(bytes.NewReader(r.Data))
		if err != nil {
			t.Fatal(err)
		}
		subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
		from, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("From"))
		out = append(out, delivered{to: r.To[0], kind: m.Header.Get("X-Onair-Kind"), subject: subject, from: from,
			unsubscribe: m.Header.Get("List-Unsubscribe"), unsubscribePost: m.Header.Get("List-Unsubscribe-Post")})
	}
	return out
}

// A French workspace's reminders go out in French over real SMTP, from the workspace's name,
// with a one-click unsubscribe link; once an address follows that link it gets no more
// reminders from the workspace, while the e-mail about its own registration still goes.
func TestUnsubscribeStopsRemindersEndToEnd(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		be := &mailtest.Backend{}
		addr, _ := mailtest.Start(t, be, mailtest.Plain)
		sender, err := mail.New("smtp://"+addr, "", "onair <events@onair.test>")
		if err != nil {
			t.Fatal(err)
		}
		ws := store.NewWorkspace("Les Ateliers", "free")
		ws.Language = "fr"
		ev := store.NewEvent(ws.ID, "Lancement", "", store.EventSettings{}, "usr_1")
		ses := &store.Session{ID: store.NewID("ses"), WorkspaceID: ws.ID, EventID: ev.ID, StartsAt: time.Now().Add(48 * time.Hour).UTC(),
			DurationMinutes: 30, Timezone: "Europe/Paris", Status: store.SessionScheduled, Capacity: 10, CreatedAt: store.Now(), UpdatedAt: store.Now()}
		for _, row := range []any{ws, ev, ses} {
			if _, err := db.NewInsert().Model(row).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		regs := map[string]*store.Registrant{}
		for _, a := range []string{"ann@example.com", "bob@example.com"} {
			r, _, err := store.Register(ctx, db, store.Registration{Event: ev, Session: ses, Email: a, ByOrganizer: true})
			if err != nil {
				t.Fatal(err)
			}
			regs[a] = r
		}
		if _, err := db.NewDelete().Model((*store.Delivery)(nil)).Where("session_id = ?", ses.ID).Exec(ctx); err != nil {
			t.Fatal(err) // the confirmations: this test is about reminders
		}
		var suite testsuite.WorkflowTestSuite
		env := suite.NewTestActivityEnvironment()
		acts := &activities.Activities{DB: db, Mail: sender, Log: slog.New(slog.DiscardHandler), Links: testLinks,
			PublicURL: "https://webinars.test", MailFrom: "onair <events@onair.test>"}
		env.RegisterActivity(acts)
		remind := func(offset int) {
			t.Helper()
			_, err := env.ExecuteActivity(acts.SendSessionMails, activities.SendSessionMailsInput{SessionID: ses.ID,
				MailKind: mail.KindReminder, DeliveryKind: "reminder:" + string(rune('0'+offset)), ReminderMinutes: offset * 60,
				Statuses: []string{store.RegistrantApproved}})
			if err != nil {
				t.Fatal(err)
			}
		}

		remind(2)
		first := inbox(t, be)
		if len(first) != 2 {
			t.Fatalf("%d reminders, want 2", len(first))
		}
		var bobUnsubscribe string
		for _, m := range first {
			if m.subject != "Rappel : Lancement commence dans 2 heures" || m.from != `"Les Ateliers" <events@onair.test>` && m.from != "Les Ateliers <events@onair.test>" {
				t.Errorf("reminder %q from %q", m.subject, m.from)
			}
			if !strings.HasPrefix(m.unsubscribe, "<https://webinars.test/unsubscribe/u1.") || m.unsubscribePost != "List-Unsubscribe=One-Click" {
				t.Errorf("unsubscribe headers %q, %q", m.unsubscribe, m.unsubscribePost)
			}
			if m.to == "bob@example.com" {
				bobUnsubscribe = strings.TrimSuffix(strings.TrimPrefix(m.unsubscribe, "<https://webinars.test/unsubscribe/"), ">")
			}
		}

		// What POST /unsubscribe/<secret> does (api/unsubscribe.go).
		wsID, email, ok := testLinks.ParseUnsubscribe(bobUnsubscribe)
		if !ok || wsID != ws.ID || email != "bob@example.com" {
			t.Fatalf("bob's link names %q %q %v", wsID, email, ok)
		}
		if err := store.AddUnsubscribe(ctx, db, wsID, email, store.UnsubscribeAll); err != nil {
			t.Fatal(err)
		}

		remind(1)
		second := inbox(t, be)[2:]
		if len(second) != 1 || second[0].to != "ann@example.com" {
			t.Fatalf("after bob unsubscribed, reminders went to %+v; want ann only", second)
		}
		if n, _ := db.NewSelect().Model((*store.Delivery)(nil)).Where("recipient_id = ?", regs["bob@example.com"].ID).
			Where("kind = ?", "reminder:1").Where("sent_at IS NOT NULL").Count(ctx); n != 1 {
			t.Errorf("bob's held-back reminder is not marked done (%d rows): a retry would reconsider it", n)
		}

		// Bob cancels: that e-mail is about his own registration, so it still goes.
		if _, err := store.SetRegistrantStatus(ctx, db, ws.ID, regs["bob@example.com"].ID, store.RegistrantCancelled, false); err != nil {
			t.Fatal(err)
		}
		if _, err := env.ExecuteActivity(acts.SendPendingDeliveries, activities.SendPendingInput{}); err != nil {
			t.Fatal(err)
		}
		last := inbox(t, be)[3:]
		if len(last) != 1 || last[0].to != "bob@example.com" || last[0].kind != mail.KindCancelledByAttendee ||
			last[0].subject != "Inscription annulée : Lancement" || last[0].unsubscribe != "" {
			t.Fatalf("after cancelling, bob got %+v", last)
		}
	})
}
