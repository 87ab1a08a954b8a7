package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	ical "github.com/arran4/golang-ical"

	"github.com/onairhq/onair/mail"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

// TestEventEndToEnd drives a webinar through the real HTTP API, Postgres, the
// in-process Temporal server with an onair worker, and a real SMTP server:
// registrations (one needs approval, one lands on the waitlist), confirmations
// and a reminder with parseable calendar invitations, a host starting and
// stopping the session, and the cancellation of a second session.
func TestEventEndToEnd(t *testing.T) {
	db := storetest.Postgres(t)
	box, smtpURL := startSMTPMaildir(t)
	sender, err := mail.NewSMTPSender(smtpURL, "onair <noreply@onair.test>")
	if err != nil {
		t.Fatal(err)
	}
	h, startWorker := newHarnessWith(t, db, sender, box.dir)
	w := startWorker(sender)
	defer w.Stop()

	owner := h.signup("Live")
	ev := h.must(http.StatusCreated, "POST", "/v1/events", owner.Key, map[string]any{
		"title": "Quarterly launch",
		"settings": map[string]any{"approval": true, "capacity": 2, "waitlist": true,
			"reminder_offsets_minutes": []int{1}, "green_room_minutes": 0},
	}).field(t, "id")
	h.must(http.StatusOK, "POST", "/v1/events/"+ev+"/publish", owner.Key, nil)
	// The reminder one minute before start falls a few seconds into the test.
	ses := h.must(http.StatusCreated, "POST", "/v1/events/"+ev+"/sessions", owner.Key, map[string]any{
		"starts_at": future(70 * time.Second), "duration_minutes": 15, "timezone": "Europe/Paris",
	}).field(t, "id")

	ann, bob, cid := email("ann"), email("bob"), email("cid")
	h.must(http.StatusCreated, "POST", "/v1/sessions/"+ses+"/registrants", owner.Key, map[string]any{"email": ann, "name": "Ann"})
	public := "/v1/public/sessions/" + ses + "/registrations"
	bobReg := h.must(http.StatusCreated, "POST", public, "", map[string]any{"email": bob, "name": "Bob"})
	cidReg := h.must(http.StatusCreated, "POST", public, "", map[string]any{"email": cid, "name": "Cid"})
	if bobReg.field(t, "status") != "pending" {
		t.Fatalf("bob: %s", bobReg.Body)
	}
	h.must(http.StatusOK, "POST", "/v1/registrants/"+bobReg.field(t, "id")+"/approve", owner.Key, nil)
	if st := h.must(http.StatusOK, "POST", "/v1/registrants/"+cidReg.field(t, "id")+"/approve", owner.Key, nil).field(t, "status"); st != "waitlisted" {
		t.Fatalf("cid approved into a full session is %s, want waitlisted", st)
	}

	for _, who := range []string{ann, bob} {
		h.waitMail(who, "You are registered")
		cal, ct := calendarOf(t, h.mailAbout(who, "You are registered").raw)
		if !strings.Contains(ct, "method=REQUEST") || len(cal.Events()) != 1 {
			t.Fatalf("confirmation invite %q with %d events", ct, len(cal.Events()))
		}
		if uid := cal.Events()[0].Id(); uid != ses+"@onair" {
			t.Fatalf("invite UID %q", uid)
		}
		h.waitMail(who, "Reminder: Quarterly launch starts in 1 minute")
	}
	// Received while pending; the subject says "waitlist" if the approval came first.
	if subject, _ := h.waitMail(cid, "Quarterly launch"); !strings.Contains(subject, "Registration received") && !strings.Contains(subject, "waitlist") {
		t.Fatalf("cid's first e-mail: %q", subject)
	}
	if _, _, ok := h.findMail(cid, "Reminder"); ok {
		t.Fatal("a waitlisted registrant got a reminder")
	}

	h.must(http.StatusOK, "POST", "/v1/sessions/"+ses+"/start", owner.Key, nil)
	h.waitStatus(owner, ses, store.SessionLive)
	h.must(http.StatusOK, "POST", "/v1/sessions/"+ses+"/stop", owner.Key, nil)
	h.waitStatus(owner, ses, store.SessionProcessed)
	var status struct {
		Status    string     `json:"status"`
		StartedAt *time.Time `json:"started_at"`
		EndedAt   *time.Time `json:"ended_at"`
	}
	h.must(http.StatusOK, "GET", "/v1/sessions/"+ses+"/status", owner.Key, nil).json(t, &status)
	if status.Status != store.SessionProcessed || status.StartedAt == nil || status.EndedAt == nil {
		t.Fatalf("status query: %+v", status)
	}

	// A second session is cancelled: its registrant and speaker get the notice.
	second := h.must(http.StatusCreated, "POST", "/v1/events/"+ev+"/sessions", owner.Key, map[string]any{
		"starts_at": future(48 * time.Hour), "duration_minutes": 15, "timezone": "America/New_York",
	}).field(t, "id")
	dan, eve := email("dan"), email("eve")
	h.must(http.StatusCreated, "POST", "/v1/sessions/"+second+"/registrants", owner.Key, map[string]any{"email": dan})
	h.must(http.StatusCreated, "POST", "/v1/sessions/"+second+"/staff", owner.Key, map[string]any{"email": eve, "name": "Eve", "role": "speaker"})
	h.waitMail(dan, "You are registered")
	h.waitMail(eve, "You are a speaker")
	h.must(http.StatusOK, "POST", "/v1/sessions/"+second+"/cancel", owner.Key, nil)
	for _, who := range []string{dan, eve} {
		h.waitMail(who, "Cancelled: Quarterly launch")
		cal, ct := calendarOf(t, h.mailAbout(who, "Cancelled").raw)
		if !strings.Contains(ct, "method=CANCEL") {
			t.Fatalf("cancellation invite content type %q", ct)
		}
		if len(cal.Events()) != 1 || cal.Events()[0].Id() != second+"@onair" {
			t.Fatalf("cancellation invite with %d events", len(cal.Events()))
		}
		if st := cal.Events()[0].GetProperty(ical.ComponentPropertyStatus); st == nil || st.Value != "CANCELLED" {
			t.Fatalf("cancelled event status %v", st)
		}
	}
	h.waitStatus(owner, second, store.SessionCancelled)
}

// TestReminderBatchSurvivesAWorkerCrash stops the worker in the middle of a
// reminder fan-out and starts another: every registrant gets the reminder
// exactly once.
func TestReminderBatchSurvivesAWorkerCrash(t *testing.T) {
	db := storetest.Postgres(t)
	h, startWorker := newHarnessWith(t, db, nil, t.TempDir())
	counter := &reminderCounter{counts: map[string]int{}}
	first := startWorker(countingSender{c: counter, blockAfter: 250})

	owner := h.signup("Crash")
	ctx := context.Background()
	if _, err := db.NewUpdate().Model((*store.Workspace)(nil)).Set("plan = ?", "enterprise").Where("id = ?", owner.WorkspaceID).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	ev := h.must(http.StatusCreated, "POST", "/v1/events", owner.Key, map[string]any{
		"title": "Crowded", "settings": map[string]any{"reminder_offsets_minutes": []int{1}, "green_room_minutes": 0},
	}).field(t, "id")
	sesID := h.must(http.StatusCreated, "POST", "/v1/events/"+ev+"/sessions", owner.Key, map[string]any{
		"starts_at": future(75 * time.Second), "duration_minutes": 15, "timezone": "UTC",
	}).field(t, "id")
	event, _ := store.EventByID(ctx, db, ev)
	session, _ := store.SessionByID(ctx, db, sesID)
	const people = 700
	for i := range people {
		_, _, err := store.Register(ctx, db, store.Registration{Event: event, Session: session, ByOrganizer: true,
			Email: fmt.Sprintf("p%04d@example.com", i)})
		if err != nil {
			t.Fatal(err)
		}
	}

	waitFor(t, 60*time.Second, "the first worker to send 250 reminders", func() bool { n, _ := counter.snapshot(); return n >= 250 })
	first.Stop()
	second := startWorker(countingSender{c: counter})
	defer second.Stop()
	waitFor(t, 90*time.Second, "every registrant to be reminded", func() bool { _, c := counter.snapshot(); return len(c) == people })
	_, counts := counter.snapshot()
	for addr, n := range counts {
		if n != 1 {
			t.Errorf("%s got the reminder %d times", addr, n)
		}
	}
	waitFor(t, 30*time.Second, "every reminder delivery to be marked sent", func() bool {
		sent, err := db.NewSelect().Model((*store.Delivery)(nil)).Where("session_id = ?", sesID).
			Where("kind = ?", "reminder:1").Where("sent_at IS NOT NULL").Count(ctx)
		return err == nil && sent == people
	})
	_, counts = counter.snapshot()
	if len(counts) != people {
		t.Fatalf("%d people reminded, want %d", len(counts), people)
	}
	for addr, n := range counts {
		if n != 1 {
			t.Errorf("%s got the reminder %d times", addr, n)
		}
	}
}

// waitFor polls cond until it holds or the timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
