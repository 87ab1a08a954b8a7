package api_test

import (
	"context"
	"net/http"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	onairmail "github.com/onairhq/onair/mail"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

// scheduleView is the part of GET /v1/sessions/:id/schedule the tests read.
type scheduleView struct {
	Status string `json:"status"`
	Note   string `json:"note"`
	Items  []struct {
		Kind            string    `json:"kind"`
		DeliveryKind    string    `json:"delivery_kind"`
		ReminderMinutes int       `json:"reminder_minutes"`
		At              time.Time `json:"at"`
		LocalAt         string    `json:"local_at"`
		AfterLive       bool      `json:"after_live"`
		State           string    `json:"state"`
		Recipients      int       `json:"recipients"`
		Unsubscribed    int       `json:"unsubscribed"`
		Sent            int       `json:"sent"`
		Failed          int       `json:"failed"`
		Template        struct {
			Custom bool   `json:"custom"`
			Name   string `json:"name"`
		} `json:"template"`
		Language string `json:"language"`
		Preview  string `json:"preview"`
	} `json:"items"`
}

// smtpReceived is one e-mail the test's SMTP server took: its kind, recipient and arrival.
type smtpReceived struct {
	kind, to string
	at       time.Time
}

// receivedMail reads every message the SMTP maildir accepted.
func receivedMail(t *testing.T, dir string) []smtpReceived {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	var out []smtpReceived
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		msg, err := mail.ReadMessage(fh)
		if err != nil {
			t.Fatal(err)
		}
		info, _ := fh.Stat()
		_ = fh.Close()
		out = append(out, smtpReceived{kind: msg.Header.Get("X-Onair-Kind"), to: msg.Header.Get("To"), at: info.ModTime()})
	}
	return out
}

func ofKind(all []smtpReceived, kind string) []smtpReceived {
	var out []smtpReceived
	for _, r := range all {
		if r.kind == kind {
			out = append(out, r)
		}
	}
	return out
}

// TestSchedulePreviewIsWhatTheWorkflowSends takes a session's schedule, lets its time run
// with a real SMTP server, and finds that the server received what the schedule said:
// each kind, no earlier than its time, to as many people. The delivery record of each
// registrant then holds the server's answers, and another workspace cannot read it.
func TestSchedulePreviewIsWhatTheWorkflowSends(t *testing.T) {
	db := storetest.Postgres(t)
	box, smtpURL := startSMTPMaildir(t)
	sender, err := onairmail.NewSMTPSender(smtpURL, "onair <noreply@onair.test>")
	if err != nil {
		t.Fatal(err)
	}
	h, startWorker := newHarnessWith(t, db, sender, box.dir)
	w := startWorker(sender)
	defer w.Stop()
	ctx := context.Background()

	owner := h.signup("Planner")
	// Two days before is already past when the session is created: planned as skipped.
	ev := h.must(http.StatusCreated, "POST", "/v1/events", owner.Key, map[string]any{
		"title": "Schedule check", "settings": map[string]any{"reminder_offsets_minutes": []int{2880, 1}, "green_room_minutes": 0},
	}).field(t, "id")
	ses := h.must(http.StatusCreated, "POST", "/v1/events/"+ev+"/sessions", owner.Key, map[string]any{
		"starts_at": future(75 * time.Second), "duration_minutes": 15, "timezone": "Europe/Paris",
	}).field(t, "id")
	ann, bob, cid, dan := email("ann"), email("bob"), email("cid"), email("dan")
	ids := map[string]string{}
	for _, who := range []string{ann, bob, cid, dan} {
		ids[who] = h.must(http.StatusCreated, "POST", "/v1/sessions/"+ses+"/registrants", owner.Key, map[string]any{"email": who}).field(t, "id")
	}
	h.must(http.StatusOK, "POST", "/v1/registrants/"+ids[dan]+"/cancel", owner.Key, nil) // no reminder, no follow-up
	if err := store.AddUnsubscribe(ctx, db, owner.WorkspaceID, cid, onairmail.KindReminder); err != nil {
		t.Fatal(err)
	}

	var before scheduleView
	h.must(http.StatusOK, "GET", "/v1/sessions/"+ses+"/schedule", owner.Key, nil).json(t, &before)
	var session store.Session
	h.must(http.StatusOK, "GET", "/v1/sessions/"+ses, owner.Key, nil).json(t, &session)
	type want struct {
		kind, state          string
		at                   time.Time
		recipients, unsubbed int
	}
	wants := []want{
		{onairmail.KindReminder, "skipped", session.StartsAt.Add(-48 * time.Hour), 0, 0},
		{onairmail.KindReminder, "planned", session.StartsAt.Add(-time.Minute), 2, 1},
		{onairmail.KindFollowUpAttended, "planned", session.StartsAt.Add(15 * time.Minute), 0, 0},
		{onairmail.KindFollowUpMissed, "planned", session.StartsAt.Add(15 * time.Minute), 3, 0},
	}
	if len(before.Items) != len(wants) {
		t.Fatalf("schedule has %d items, want %d: %+v", len(before.Items), len(wants), before.Items)
	}
	paris, _ := time.LoadLocation("Europe/Paris")
	for i, w := range wants {
		it := before.Items[i]
		if it.Kind != w.kind || it.State != w.state || !it.At.Equal(w.at) || it.Recipients != w.recipients || it.Unsubscribed != w.unsubbed {
			t.Errorf("item %d: %s %s at %s to %d (%d unsubscribed), want %s %s at %s to %d (%d)", i, it.Kind, it.State, it.At,
				it.Recipients, it.Unsubscribed, w.kind, w.state, w.at, w.recipients, w.unsubbed)
		}
		if it.LocalAt != w.at.In(paris).Format(time.RFC3339) || it.Language != "en" || it.Template.Custom {
			t.Errorf("item %d: local %s, language %s, custom template %v", i, it.LocalAt, it.Language, it.Template.Custom)
		}
	}

	// Time runs: the one-minute reminder goes.
	waitFor(t, 90*time.Second, "the reminder deliveries to be done", func() bool {
		n, err := db.NewSelect().Model((*store.Delivery)(nil)).Where("session_id = ?", ses).Where("kind = ?", "reminder:1").
			Where("sent_at IS NOT NULL").Count(ctx)
		return err == nil && n == 3
	})
	reminders := ofKind(receivedMail(t, box.dir), onairmail.KindReminder)
	if len(reminders) != before.Items[1].Recipients {
		t.Fatalf("the SMTP server received %d reminders, the schedule said %d", len(reminders), before.Items[1].Recipients)
	}
	for _, r := range reminders {
		if r.at.Before(before.Items[1].At) {
			t.Errorf("reminder to %s arrived at %s, before its planned %s", r.to, r.at, before.Items[1].At)
		}
		if strings.Contains(r.to, cid) || strings.Contains(r.to, dan) {
			t.Errorf("reminder sent to %s", r.to)
		}
	}

	h.must(http.StatusOK, "POST", "/v1/sessions/"+ses+"/start", owner.Key, nil)
	h.waitStatus(owner, ses, store.SessionLive)
	h.must(http.StatusOK, "POST", "/v1/sessions/"+ses+"/stop", owner.Key, nil)
	h.waitStatus(owner, ses, store.SessionProcessed)
	all := receivedMail(t, box.dir)
	var after scheduleView
	h.must(http.StatusOK, "GET", "/v1/sessions/"+ses+"/schedule", owner.Key, nil).json(t, &after)
	for i, kind := range []string{onairmail.KindFollowUpAttended, onairmail.KindFollowUpMissed} {
		got, planned, done := ofKind(all, kind), before.Items[2+i], after.Items[2+i]
		if len(got) != planned.Recipients || done.Recipients != len(got) || done.Sent != len(got) {
			t.Errorf("%s: the server received %d, the schedule planned %d and then reports %d sent", kind, len(got), planned.Recipients, done.Sent)
		}
		for _, r := range got {
			if r.at.Before(done.At) {
				t.Errorf("%s to %s arrived at %s, before the session ended at %s", kind, r.to, r.at, done.At)
			}
		}
	}
	if it := after.Items[1]; it.State != "sent" || it.Recipients != 2 || it.Sent != 2 || it.Failed != 1 {
		t.Errorf("the sent reminder reads %+v, want sent to 2 and 1 unsubscribed", it)
	}
	if it := after.Items[3]; it.State != "sent" {
		t.Errorf("the no-shows' follow-up reads %s after the session was processed", it.State)
	}

	checkDeliveryRecord(t, h, owner, ids[ann], ids[cid])
}

// checkDeliveryRecord reads the e-mails of ann (confirmation, reminder, follow-up, each
// with the server's 250) and cid (the reminder not sent: unsubscribed), and finds them
// hidden from another workspace.
func checkDeliveryRecord(t *testing.T, h *harness, owner account, ann, cid string) {
	t.Helper()
	type record struct {
		Deliveries []struct {
			Kind      string     `json:"kind"`
			ClaimedAt time.Time  `json:"claimed_at"`
			SentAt    *time.Time `json:"sent_at"`
			State     string     `json:"state"`
			SMTPReply string     `json:"smtp_reply"`
			Failure   string     `json:"failure"`
		} `json:"deliveries"`
	}
	var annRec, cidRec record
	h.must(http.StatusOK, "GET", "/v1/registrants/"+ann+"/deliveries", owner.Key, nil).json(t, &annRec)
	kinds := map[string]bool{}
	for _, d := range annRec.Deliveries {
		kinds[d.Kind] = true
		if d.State != "sent" || d.SentAt == nil || d.SentAt.Before(d.ClaimedAt) || !strings.HasPrefix(d.SMTPReply, "250") || d.Failure != "" {
			t.Errorf("ann's %s: %+v, want sent after its claim with the server's 250", d.Kind, d)
		}
	}
	for _, k := range []string{onairmail.KindConfirmation, "reminder:1", "followup"} {
		if !kinds[k] {
			t.Errorf("ann's record lacks %s: %+v", k, annRec.Deliveries)
		}
	}
	h.must(http.StatusOK, "GET", "/v1/registrants/"+cid+"/deliveries", owner.Key, nil).json(t, &cidRec)
	var reminded bool
	for _, d := range cidRec.Deliveries {
		if d.Kind == "reminder:1" {
			reminded = true
			if d.State != "failed" || d.SMTPReply != "" || !strings.Contains(d.Failure, "unsubscribed") {
				t.Errorf("cid's reminder: %+v, want failed as unsubscribed, with no answer", d)
			}
		}
	}
	if !reminded {
		t.Errorf("cid's record lacks the reminder: %+v", cidRec.Deliveries)
	}
	stranger := h.signup("Stranger")
	isProblem(t, h.call("GET", "/v1/registrants/"+ann+"/deliveries", stranger.Key, nil), http.StatusNotFound)
}

// TestScheduleFollowsRescheduleAndCancel: a rescheduled session's schedule moves with it
// (a whole-day reminder keeps its wall-clock time), the preview renders the workspace's
// own template in the language asked for, and a cancelled session has nothing planned.
func TestScheduleFollowsRescheduleAndCancel(t *testing.T) {
	db := storetest.Postgres(t)
	h, startWorker := newHarnessWith(t, db, nil, t.TempDir())
	w := startWorker(countingSender{c: &reminderCounter{counts: map[string]int{}}})
	defer w.Stop()

	owner := h.signup("Mover")
	ev := h.must(http.StatusCreated, "POST", "/v1/events", owner.Key, map[string]any{
		"title": "Moving target", "settings": map[string]any{"reminder_offsets_minutes": []int{1440}},
	}).field(t, "id")
	start := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Minute)
	ses := h.must(http.StatusCreated, "POST", "/v1/events/"+ev+"/sessions", owner.Key, map[string]any{
		"starts_at": start.Format(time.RFC3339), "duration_minutes": 15, "timezone": "America/New_York",
	}).field(t, "id")
	h.must(http.StatusCreated, "POST", "/v1/sessions/"+ses+"/registrants", owner.Key, map[string]any{"email": email("ann")})
	h.must(http.StatusCreated, "POST", "/v1/email-templates", owner.Key, map[string]any{"name": "Our reminder", "kind": "reminder",
		"language": "fr", "subject": "Bientôt : {{.EventTitle}}", "body": "Bonjour {{.Name}}, rendez-vous {{.Reminder}}."})

	moved := start.Add(24 * time.Hour)
	h.must(http.StatusOK, "POST", "/v1/sessions/"+ses+"/reschedule", owner.Key, map[string]any{"starts_at": moved.Format(time.RFC3339)})
	var after scheduleView
	h.must(http.StatusOK, "GET", "/v1/sessions/"+ses+"/schedule", owner.Key, nil).json(t, &after)
	ny, _ := time.LoadLocation("America/New_York")
	wantAt := moved.In(ny).AddDate(0, 0, -1)
	if len(after.Items) != 3 || !after.Items[0].At.Equal(wantAt) || after.Items[0].LocalAt != wantAt.Format(time.RFC3339) ||
		after.Items[0].Recipients != 1 || after.Items[0].Template.Custom {
		t.Fatalf("rescheduled schedule %+v, want the reminder at %s (%s) to 1, default template in English", after.Items, wantAt.UTC(), wantAt)
	}
	if !after.Items[1].At.Equal(moved.Add(15*time.Minute)) || !after.Items[1].AfterLive {
		t.Errorf("follow-ups planned from %s, want the new end %s", after.Items[1].At, moved.Add(15*time.Minute))
	}

	h.must(http.StatusOK, "PATCH", "/v1/events/"+ev, owner.Key, map[string]any{"language": "fr"})
	var french scheduleView
	h.must(http.StatusOK, "GET", "/v1/sessions/"+ses+"/schedule", owner.Key, nil).json(t, &french)
	if it := french.Items[0]; it.Language != "fr" || !it.Template.Custom || it.Template.Name != "Our reminder" {
		t.Errorf("a French event's reminder: %s with %+v, want its own French template", it.Language, it.Template)
	}
	text := h.must(http.StatusOK, "GET", french.Items[0].Preview+"&format=text", owner.Key, nil)
	if body := string(text.Body); !strings.HasPrefix(body, "Bientôt : Moving target") || !strings.Contains(body, "dans 1 jour") {
		t.Errorf("French preview of the own template:\n%s", body)
	}
	html := h.must(http.StatusOK, "GET", "/v1/sessions/"+ses+"/schedule/preview?kind=followup_missed&lang=en", owner.Key, nil)
	if ct := html.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") || !strings.Contains(string(html.Body), "Moving target") {
		t.Errorf("HTML preview of the no-shows' follow-up: %s\n%s", ct, html.Body)
	}
	isProblem(t, h.call("GET", "/v1/sessions/"+ses+"/schedule/preview?kind=confirmation", owner.Key, nil), http.StatusBadRequest)
	isProblem(t, h.call("GET", "/v1/sessions/"+ses+"/schedule/preview?kind=reminder&reminder_minutes=60", owner.Key, nil), http.StatusNotFound)
	isProblem(t, h.call("GET", "/v1/sessions/"+ses+"/schedule/preview?format=pdf", owner.Key, nil), http.StatusBadRequest)
	isProblem(t, h.call("GET", "/v1/sessions/"+ses+"/schedule", h.signup("Stranger").Key, nil), http.StatusNotFound)

	h.must(http.StatusOK, "POST", "/v1/sessions/"+ses+"/cancel", owner.Key, nil)
	var cancelled scheduleView
	h.must(http.StatusOK, "GET", "/v1/sessions/"+ses+"/schedule", owner.Key, nil).json(t, &cancelled)
	if cancelled.Status != store.SessionCancelled || len(cancelled.Items) != 0 || !strings.Contains(cancelled.Note, "cancelled") {
		t.Errorf("a cancelled session's schedule: %+v", cancelled)
	}
}
