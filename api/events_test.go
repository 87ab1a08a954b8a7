package api_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/onairhq/onair/store"
)

// cancelLink finds the code of the cancel link in an e-mail.
var cancelLink = regexp.MustCompile(`/cancel/(c1\.[a-z]+_[0-9a-z]+\.[A-Za-z0-9_-]{32})`)

// waitMail waits until an e-mail to addr whose subject contains want arrives,
// and returns its subject and text.
func (h *harness) waitMail(addr, want string) (string, string) {
	h.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if subject, text, ok := h.findMail(addr, want); ok {
			return subject, text
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("no e-mail to %s about %q within 30s", addr, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// findMail looks for the newest e-mail to addr whose subject contains want.
func (h *harness) findMail(addr, want string) (string, string, bool) {
	h.t.Helper()
	for _, m := range h.mailbox(addr) {
		if strings.Contains(m.subject, want) {
			return m.subject, m.text, true
		}
	}
	return "", "", false
}

func future(d time.Duration) string { return time.Now().Add(d).UTC().Format(time.RFC3339) }

func email(who string) string {
	return who + "-" + strings.ToLower(store.NewSecret(4)) + "@example.com"
}

// TestSessionBadInput: every impossible schedule or change is a clear 4xx problem.
func TestSessionBadInput(t *testing.T) {
	h := sqliteHarness(t)
	owner := h.signup("Schedules")
	ev := h.must(http.StatusCreated, "POST", "/v1/events", owner.Key, map[string]any{"title": "Rules"}).field(t, "id")
	path := "/v1/events/" + ev + "/sessions"
	for _, c := range []struct {
		name   string
		body   map[string]any
		status int
		field  string
	}{
		{"start in the past", map[string]any{"starts_at": future(-time.Hour), "duration_minutes": 10, "timezone": "UTC"}, 422, "starts_at"},
		{"start not a time", map[string]any{"starts_at": "tomorrow", "duration_minutes": 10, "timezone": "UTC"}, 400, "starts_at"},
		{"unknown time zone", map[string]any{"starts_at": future(time.Hour), "duration_minutes": 10, "timezone": "Mars/Olympus"}, 400, "timezone"},
		{"zero duration", map[string]any{"starts_at": future(time.Hour), "duration_minutes": 0, "timezone": "UTC"}, 400, "duration_minutes"},
		{"negative duration", map[string]any{"starts_at": future(time.Hour), "duration_minutes": -5, "timezone": "UTC"}, 400, "duration_minutes"},
		{"longer than the free plan allows", map[string]any{"starts_at": future(time.Hour), "duration_minutes": 21, "timezone": "UTC"}, 422, "duration_minutes"},
	} {
		t.Run(c.name, func(t *testing.T) { wantProblem(t, h.call("POST", path, owner.Key, c.body), c.status, c.field) })
	}

	ses := h.must(http.StatusCreated, "POST", path, owner.Key,
		map[string]any{"starts_at": future(time.Hour), "duration_minutes": 10, "timezone": "Europe/Paris"}).field(t, "id")
	wantProblem(t, h.call("POST", "/v1/sessions/"+ses+"/reschedule", owner.Key, map[string]any{"starts_at": future(-time.Minute)}), 422, "starts_at")
	wantProblem(t, h.call("POST", "/v1/sessions/"+ses+"/stop", owner.Key, nil), http.StatusConflict, "")
	h.must(http.StatusOK, "POST", "/v1/sessions/"+ses+"/start", owner.Key, nil)
	if got := h.must(http.StatusOK, "GET", "/v1/sessions/"+ses, owner.Key, nil).field(t, "status"); got != "live" {
		t.Fatalf("status after start %q", got)
	}
	wantProblem(t, h.call("POST", "/v1/sessions/"+ses+"/reschedule", owner.Key, map[string]any{"starts_at": future(2 * time.Hour)}), http.StatusConflict, "")
	wantProblem(t, h.call("POST", "/v1/sessions/"+ses+"/cancel", owner.Key, nil), http.StatusConflict, "")
	h.must(http.StatusOK, "POST", "/v1/sessions/"+ses+"/stop", owner.Key, nil)
	h.waitStatus(owner, ses, "processed")
	wantProblem(t, h.call("POST", "/v1/sessions/"+ses+"/reschedule", owner.Key, map[string]any{"starts_at": future(2 * time.Hour)}), http.StatusConflict, "")
	wantProblem(t, h.call("POST", "/v1/sessions/"+ses+"/registrants", owner.Key, map[string]any{"email": email("late")}), http.StatusConflict, "")
	wantProblem(t, h.call("POST", "/v1/sessions/"+ses+"/start", owner.Key, nil), http.StatusConflict, "")

	// A suspended workspace creates no events and starts no sessions (402).
	other := h.must(http.StatusCreated, "POST", path, owner.Key,
		map[string]any{"starts_at": future(time.Hour), "duration_minutes": 10, "timezone": "UTC"}).field(t, "id")
	if _, err := h.db.NewUpdate().Model((*store.Workspace)(nil)).Set("suspended_at = ?", store.Now()).
		Where("id = ?", owner.WorkspaceID).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	wantProblem(t, h.call("POST", "/v1/events", owner.Key, map[string]any{"title": "More"}), http.StatusPaymentRequired, "")
	wantProblem(t, h.call("POST", "/v1/sessions/"+other+"/start", owner.Key, nil), http.StatusPaymentRequired, "")
}

// waitStatus waits for the session's stored status.
func (h *harness) waitStatus(who account, session, want string) {
	h.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		got := h.must(http.StatusOK, "GET", "/v1/sessions/"+session, who.Key, nil).field(h.t, "status")
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("session %s is %s, want %s", session, got, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestRegistrationRules: approval, capacity with an automatic waitlist, the
// same e-mail twice, the people page, cancelling from the e-mailed link.
func TestRegistrationRules(t *testing.T) {
	h := sqliteHarness(t)
	owner := h.signup("Registrations")
	ev := h.must(http.StatusCreated, "POST", "/v1/events", owner.Key, map[string]any{
		"title": "Tiny room", "settings": map[string]any{"capacity": 1, "waitlist": true},
	}).field(t, "id")
	ses := h.must(http.StatusCreated, "POST", "/v1/events/"+ev+"/sessions", owner.Key,
		map[string]any{"starts_at": future(48 * time.Hour), "duration_minutes": 15, "timezone": "America/New_York"}).field(t, "id")
	public := "/v1/public/sessions/" + ses + "/registrations"
	ann, bob := email("ann"), email("bob")

	wantProblem(t, h.call("POST", public, "", map[string]any{"email": ann}), http.StatusNotFound, "") // not published
	h.must(http.StatusOK, "POST", "/v1/events/"+ev+"/publish", owner.Key, nil)
	first := h.must(http.StatusCreated, "POST", public, "", map[string]any{"email": ann, "name": "Ann"})
	again := h.must(http.StatusOK, "POST", public, "", map[string]any{"email": strings.ToUpper(ann), "name": "Ann"})
	if first.field(t, "id") != again.field(t, "id") || first.field(t, "status") != "approved" {
		t.Fatalf("second registration %s, first %s", again.Body, first.Body)
	}
	full := wantProblem(t, h.call("POST", public, "", map[string]any{"email": bob}), http.StatusConflict, "")
	if !strings.Contains(full["detail"].(string), "join_waitlist") {
		t.Fatalf("full session does not offer the waitlist: %v", full)
	}
	if st := h.must(http.StatusCreated, "POST", public, "", map[string]any{"email": bob, "join_waitlist": true}).field(t, "status"); st != "waitlisted" {
		t.Fatalf("bob is %s", st)
	}
	_, text := h.waitMail(ann, "You are registered")
	h.waitMail(bob, "waitlist")
	if !strings.Contains(text, "/join/j1.") {
		t.Fatalf("confirmation without a join link:\n%s", text)
	}
	var people struct{ Data []store.Person }
	h.must(http.StatusOK, "GET", "/v1/people?q=ann-", owner.Key, nil).json(t, &people)
	if len(people.Data) != 1 || people.Data[0].Email != ann {
		t.Fatalf("people page: %+v", people.Data)
	}

	// Ann cancels from her cancel link (her join link cancels nothing): Bob is promoted and told.
	code := cancelLink.FindStringSubmatch(text)
	if code == nil {
		t.Fatalf("confirmation without a cancel link:\n%s", text)
	}
	joinSecret := joinTokenOf[store.Registrant](t, h, first.field(t, "id"))
	wantProblem(t, h.call("POST", "/v1/public/registrations/cancel", "", map[string]any{"token": joinSecret}), http.StatusNotFound, "")
	h.must(http.StatusOK, "POST", "/v1/public/registrations/cancel", "", map[string]any{"token": code[1]})
	h.waitMail(bob, "A seat is yours")
	var regs struct{ Data []store.Registrant }
	h.must(http.StatusOK, "GET", "/v1/registrants?session_id="+ses+"&status=approved", owner.Key, nil).json(t, &regs)
	if len(regs.Data) != 1 || regs.Data[0].Email != bob {
		t.Fatalf("approved after the cancel: %+v", regs.Data)
	}

	// Approval mode: pending until an organizer decides.
	h.must(http.StatusOK, "PATCH", "/v1/events/"+ev, owner.Key, map[string]any{"settings": map[string]any{"approval": true, "capacity": 5}})
	cid := email("cid")
	pending := h.must(http.StatusCreated, "POST", public, "", map[string]any{"email": cid})
	if pending.field(t, "status") != "pending" {
		t.Fatalf("cid is %s", pending.Body)
	}
	h.waitMail(cid, "Registration received")
	h.must(http.StatusOK, "POST", "/v1/registrants/"+pending.field(t, "id")+"/approve", owner.Key, nil)
	h.waitMail(cid, "You are registered")

	// Rescheduling tells everyone with an updated invitation: same UID, next SEQUENCE.
	moved := h.must(http.StatusOK, "POST", "/v1/sessions/"+ses+"/reschedule", owner.Key, map[string]any{"starts_at": future(72 * time.Hour)})
	if moved.field(t, "starts_at") == "" || !strings.Contains(string(moved.Body), `"sequence":1`) {
		t.Fatalf("rescheduled session %s", moved.Body)
	}
	h.waitMail(cid, "New date for Tiny room")
	cal, ct := calendarOf(t, h.mailAbout(cid, "New date").raw)
	ev0 := cal.Events()[0]
	if !strings.Contains(ct, "method=REQUEST") || ev0.Id() != ses+"@onair" || ev0.GetProperty("SEQUENCE").Value != "1" {
		t.Fatalf("reschedule invite %q uid %q sequence %v", ct, ev0.Id(), ev0.GetProperty("SEQUENCE"))
	}
	if tz := ev0.GetProperty("DTSTART").ICalParameters["TZID"]; len(tz) != 1 || tz[0] != "America/New_York" {
		t.Fatalf("DTSTART time zone %v", tz)
	}

	// Cancelled sessions take no registrations.
	h.must(http.StatusOK, "POST", "/v1/sessions/"+ses+"/cancel", owner.Key, nil)
	h.waitStatus(owner, ses, "cancelled")
	wantProblem(t, h.call("POST", public, "", map[string]any{"email": email("dan")}), http.StatusConflict, "")
	h.waitMail(bob, "Cancelled")
}

// TestEventRightsFollowThePricingModel: on a seats plan a member without a
// host licence has moderator rights: no events, but may register people.
func TestEventRightsFollowThePricingModel(t *testing.T) {
	h := sqliteHarness(t)
	owner := h.signup("Seats")
	if _, err := h.db.NewUpdate().Model((*store.Workspace)(nil)).Set("plan = ?", "team").
		Where("id = ?", owner.WorkspaceID).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	host := h.join(owner, "member", false, true)
	moderator := h.join(owner, "member", false, false)
	wantProblem(t, h.call("POST", "/v1/events", moderator.Key, map[string]any{"title": "Nope"}), http.StatusForbidden, "")
	ev := h.must(http.StatusCreated, "POST", "/v1/events", host.Key, map[string]any{"title": "Yes"}).field(t, "id")
	body := map[string]any{"starts_at": future(time.Hour), "duration_minutes": 30, "timezone": "UTC"}
	wantProblem(t, h.call("POST", "/v1/events/"+ev+"/sessions", moderator.Key, body), http.StatusForbidden, "")
	ses := h.must(http.StatusCreated, "POST", "/v1/events/"+ev+"/sessions", host.Key, body).field(t, "id")
	h.must(http.StatusOK, "GET", "/v1/events/"+ev+"/share", moderator.Key, nil)
	h.must(http.StatusCreated, "POST", "/v1/sessions/"+ses+"/registrants", moderator.Key, map[string]any{"email": email("guest")})
	wantProblem(t, h.call("POST", "/v1/sessions/"+ses+"/start", moderator.Key, nil), http.StatusForbidden, "")
	wantProblem(t, h.call("POST", "/v1/sessions/"+ses+"/cancel", moderator.Key, nil), http.StatusForbidden, "")
	h.must(http.StatusCreated, "POST", "/v1/sessions/"+ses+"/staff", host.Key, map[string]any{"member_id": moderator.MemberID, "role": "moderator"})
}

// TestCSVImport: malformed rows are reported by row, a repeated address as a
// duplicate, the good ones registered.
func TestCSVImport(t *testing.T) {
	h := sqliteHarness(t)
	owner := h.signup("Imports")
	ev := h.must(http.StatusCreated, "POST", "/v1/events", owner.Key, map[string]any{"title": "Bulk"}).field(t, "id")
	ses := h.must(http.StatusCreated, "POST", "/v1/events/"+ev+"/sessions", owner.Key,
		map[string]any{"starts_at": future(48 * time.Hour), "duration_minutes": 15, "timezone": "UTC"}).field(t, "id")
	path := "/v1/sessions/" + ses + "/imports"
	wantProblem(t, h.call("POST", path, owner.Key, []byte("name\nAnn\n"), "Content-Type", "text/csv"), http.StatusBadRequest, "csv")
	wantProblem(t, h.call("POST", path, owner.Key, []byte("email,shoe_size\na@example.com,9\n"), "Content-Type", "text/csv"), http.StatusBadRequest, "csv")
	wantProblem(t, h.call("POST", path, owner.Key, []byte("email\n"), "Content-Type", "application/json"), http.StatusUnsupportedMediaType, "")

	good, other := email("good"), email("other")
	csv := "email,name\n" + good + ",Good\nnot-an-address,Bad\n" + other + ",Other,extra\n" + strings.ToUpper(good) + ",Again\n" + other + ",Other\n"
	imp := h.waitImport(owner.Key, h.importCSV(owner.Key, ses, csv))
	if imp.Status != store.ImportCompleted || imp.Rows != 5 || imp.Processed != 5 || imp.Imported != 2 || imp.Duplicates != 1 || imp.Failed != 2 {
		t.Fatalf("import counts %+v", imp)
	}
	if len(imp.Errors) != 3 || imp.Errors[0].Row != 3 || imp.Errors[1].Row != 4 || imp.Errors[2].Row != 5 {
		t.Fatalf("import errors %+v", imp.Errors)
	}
	var regs struct{ Data []store.Registrant }
	h.must(http.StatusOK, "GET", "/v1/registrants?session_id="+ses, owner.Key, nil).json(t, &regs)
	if len(regs.Data) != 2 {
		t.Fatalf("%d registrants after the import, want 2: %+v", len(regs.Data), regs.Data)
	}
	h.waitMail(other, "You are registered")
}

// TestEventEditDuplicateShareDelete: the organizer's event operations.
func TestEventEditDuplicateShareDelete(t *testing.T) {
	h := sqliteHarness(t)
	owner := h.signup("Organizer")
	ev := h.must(http.StatusCreated, "POST", "/v1/events", owner.Key, map[string]any{
		"title": "Original", "settings": map[string]any{"approval": true, "reminder_offsets_minutes": []int{1440, 15}},
	}).field(t, "id")
	wantProblem(t, h.call("PATCH", "/v1/events/"+ev, owner.Key, map[string]any{"settings": map[string]any{"reminder_offsets_minutes": []int{0}}}),
		http.StatusBadRequest, "settings.reminder_offsets_minutes")
	wantProblem(t, h.call("PATCH", "/v1/events/"+ev, owner.Key, map[string]any{"settings": map[string]any{"custom_fields": []string{"nope"}}}),
		http.StatusUnprocessableEntity, "settings.custom_fields")
	h.must(http.StatusOK, "PATCH", "/v1/events/"+ev, owner.Key, map[string]any{"title": "Renamed"})

	copyID := h.must(http.StatusCreated, "POST", "/v1/events/"+ev+"/duplicate", owner.Key, nil).field(t, "id")
	var cp store.Event
	h.must(http.StatusOK, "GET", "/v1/events/"+copyID, owner.Key, nil).json(t, &cp)
	if cp.Title != "Renamed" || !cp.Settings.Approval || cp.PublishedAt != nil || len(cp.Settings.ReminderOffsetsMinutes) != 2 {
		t.Fatalf("duplicate %+v", cp)
	}

	share := h.must(http.StatusOK, "GET", "/v1/events/"+ev+"/share", owner.Key, nil)
	slug := share.field(t, "slug")
	wantProblem(t, h.call("GET", "/v1/public/events/"+slug, "", nil), http.StatusNotFound, "")
	h.must(http.StatusOK, "POST", "/v1/events/"+ev+"/publish", owner.Key, nil)
	ses := h.must(http.StatusCreated, "POST", "/v1/events/"+ev+"/sessions", owner.Key,
		map[string]any{"starts_at": future(24 * time.Hour), "duration_minutes": 15, "timezone": "Asia/Tokyo"}).field(t, "id")
	page := h.must(http.StatusOK, "GET", "/v1/public/events/"+slug, "", nil)
	if !strings.Contains(string(page.Body), ses) || !strings.HasSuffix(share.field(t, "url"), "/e/"+slug) {
		t.Fatalf("public page %s", page.Body)
	}
	h.must(http.StatusOK, "POST", "/v1/events/"+ev+"/unpublish", owner.Key, nil)
	wantProblem(t, h.call("GET", "/v1/public/events/"+slug, "", nil), http.StatusNotFound, "")

	gone := email("gone")
	h.must(http.StatusCreated, "POST", "/v1/sessions/"+ses+"/registrants", owner.Key, map[string]any{"email": gone})
	wantProblem(t, h.call("DELETE", "/v1/events/"+ev, owner.Key, nil), http.StatusConflict, "") // registrants not told yet
	h.must(http.StatusOK, "POST", "/v1/sessions/"+ses+"/cancel", owner.Key, nil)
	// While the cancellation notices go out the delete waits (409); then it succeeds.
	h.deleteOnceTold(t, "/v1/events/"+ev, owner.Key, http.StatusNoContent)
	h.waitMail(gone, "Cancelled")
	wantProblem(t, h.call("GET", "/v1/sessions/"+ses, owner.Key, nil), http.StatusNotFound, "")
	var regs struct{ Data []store.Registrant }
	h.must(http.StatusOK, "GET", "/v1/registrants?session_id="+ses, owner.Key, nil).json(t, &regs)
	if len(regs.Data) != 0 {
		t.Fatalf("registrants left after the delete: %+v", regs.Data)
	}
}

// TestRaisingCapacityLetsTheWaitlistIn: a larger room promotes the
// longest-waiting people at once, and each is told.
func TestRaisingCapacityLetsTheWaitlistIn(t *testing.T) {
	h := sqliteHarness(t)
	owner := h.signup("Bigger room")
	ev := h.must(http.StatusCreated, "POST", "/v1/events", owner.Key, map[string]any{
		"title": "Small room", "settings": map[string]any{"capacity": 1, "waitlist": true},
	}).field(t, "id")
	ses := h.must(http.StatusCreated, "POST", "/v1/events/"+ev+"/sessions", owner.Key,
		map[string]any{"starts_at": future(48 * time.Hour), "duration_minutes": 15, "timezone": "Europe/Paris"}).field(t, "id")
	h.must(http.StatusOK, "POST", "/v1/events/"+ev+"/publish", owner.Key, nil)
	public := "/v1/public/sessions/" + ses + "/registrations"
	ann, bob, cid, dan := email("ann"), email("bob"), email("cid"), email("dan")
	h.must(http.StatusCreated, "POST", public, "", map[string]any{"email": ann})
	for _, who := range []string{bob, cid, dan} {
		h.must(http.StatusCreated, "POST", public, "", map[string]any{"email": who, "join_waitlist": true})
	}
	h.must(http.StatusOK, "PATCH", "/v1/events/"+ev, owner.Key, map[string]any{"settings": map[string]any{"capacity": 3}})
	h.waitMail(bob, "A seat is yours")
	h.waitMail(cid, "A seat is yours")
	var regs struct{ Data []store.Registrant }
	h.must(http.StatusOK, "GET", "/v1/registrants?session_id="+ses+"&status=waitlisted", owner.Key, nil).json(t, &regs)
	if len(regs.Data) != 1 || regs.Data[0].Email != dan {
		t.Fatalf("still waitlisted after the capacity rose to 3: %+v", regs.Data)
	}
}

// TestDeletingAWorkspaceTellsRegistrantsFirst: a workspace with an upcoming
// session that has registrants cannot vanish silently; once the session is
// cancelled (and its notices sent) the deletion goes ahead.
func TestDeletingAWorkspaceTellsRegistrantsFirst(t *testing.T) {
	h := sqliteHarness(t)
	owner := h.signup("Closing down")
	ev := h.must(http.StatusCreated, "POST", "/v1/events", owner.Key, map[string]any{"title": "Last webinar"}).field(t, "id")
	ses := h.must(http.StatusCreated, "POST", "/v1/events/"+ev+"/sessions", owner.Key,
		map[string]any{"starts_at": future(24 * time.Hour), "duration_minutes": 15, "timezone": "UTC"}).field(t, "id")
	guest := email("guest")
	h.must(http.StatusCreated, "POST", "/v1/sessions/"+ses+"/registrants", owner.Key, map[string]any{"email": guest})
	wantProblem(t, h.call("DELETE", "/v1/workspace", owner.Key, nil), http.StatusConflict, "")
	h.must(http.StatusOK, "GET", "/v1/workspace", owner.Key, nil) // still there, keys still work

	h.must(http.StatusOK, "POST", "/v1/sessions/"+ses+"/cancel", owner.Key, nil)
	h.deleteOnceTold(t, "/v1/workspace", owner.Key, http.StatusAccepted)
	h.waitMail(guest, "Cancelled")
	wantUnauthenticated(t, h.call("GET", "/v1/workspace", owner.Key, nil))
}

// deleteOnceTold retries a DELETE that answers 409 while cancellation notices
// are still going out, until it succeeds with want (at most 30 s).
func (h *harness) deleteOnceTold(t *testing.T, path, key string, want int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		r := h.call("DELETE", path, key, nil)
		if r.Status == want {
			return
		}
		wantProblem(t, r, http.StatusConflict, "")
		if time.Now().After(deadline) {
			t.Fatalf("DELETE %s still refused 30 s after the session was cancelled: %s", path, r.Body)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
