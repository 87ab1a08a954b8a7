package api_test

import (
	"bytes"
	"context"
	"html"
	"image"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/onairhq/onair/locale"
	"github.com/onairhq/onair/mail"
	"github.com/onairhq/onair/store"
)

// TestEveryEmailedLinkOpensAPage renders every kind of e-mail onair sends, in every language,
// with the links the mailer would put in them for real people of a running API, then opens
// every link found in the HTML, the text and the List-Unsubscribe header: each answers 2xx
// with a page (or, for a personal join link, the redirect to the live room). Before, the
// share, cancel and invitation links of e-mails answered 404 or 405.
func TestEveryEmailedLinkOpensAPage(t *testing.T) {
	h := sqliteHarness(t)
	ctx := context.Background()
	owner := h.signup("Linked Webinars")
	ws := h.must(http.StatusOK, "GET", "/v1/workspace", owner.Key, nil)
	var logo bytes.Buffer
	if err := png.Encode(&logo, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	h.must(http.StatusOK, "PUT", "/v1/workspace/logo", owner.Key, logo.Bytes(), "Content-Type", "image/png")

	// An upcoming session someone registered to (join, cancel, unsubscribe, the event page) and
	// an earlier one with its replay ready (the follow-ups' replay link).
	ev := h.must(http.StatusCreated, "POST", "/v1/events", owner.Key, map[string]any{"title": "Links that work"})
	evID, slug := ev.field(t, "id"), ev.field(t, "slug")
	h.must(http.StatusOK, "POST", "/v1/events/"+evID+"/publish", owner.Key, nil)
	upcoming := h.must(http.StatusCreated, "POST", "/v1/events/"+evID+"/sessions", owner.Key, map[string]any{
		"starts_at": time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339), "duration_minutes": 20, "timezone": "Europe/Paris"}).field(t, "id")
	past := h.must(http.StatusCreated, "POST", "/v1/events/"+evID+"/sessions", owner.Key, map[string]any{
		"starts_at": time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339), "duration_minutes": 15, "timezone": "Europe/Paris"}).field(t, "id")
	email := "ada@example.com"
	reg := h.must(http.StatusCreated, "POST", "/v1/public/sessions/"+upcoming+"/registrations", "", map[string]any{"email": email, "name": "Ada"}).field(t, "id")
	watcher := h.must(http.StatusCreated, "POST", "/v1/public/sessions/"+past+"/registrations", "", map[string]any{"email": email, "name": "Ada"}).field(t, "id")
	endWithReplay(t, h, past)

	// The invitation and sign-up confirmation links are the real ones e-mailed.
	team := h.signupTeam("Linked Team")
	h.must(http.StatusCreated, "POST", "/v1/invitations", team.Key, map[string]any{"email": "bob@example.com", "role": "member"}, "Idempotency-Key", "links-1")
	accept := h.emailedLink("bob@example.com", regexp.MustCompile(testBaseURL+`/invitations/[^\s"<>]+`))
	for _, status := range []int{http.StatusCreated, http.StatusAccepted} { // the second sign-up asks to confirm
		h.must(status, "POST", "/v1/signup", "", map[string]string{"workspace_name": "Carol's", "name": "Carol", "email": "carol@example.com"})
	}
	verify := h.emailedLink("carol@example.com", regexp.MustCompile(testBaseURL+`/signup/verify/[^\s"<>]+`))

	links := mail.SampleLinks{
		Join:        testBaseURL + "/join/" + testLinkKey.Secret(store.LinkJoin, reg, 0),
		Cancel:      testBaseURL + "/cancel/" + testLinkKey.Secret(store.LinkCancel, reg, 0),
		Replay:      testBaseURL + "/replay/" + testLinkKey.Secret(store.LinkJoin, watcher, 0),
		Register:    testBaseURL + "/e/" + slug,
		Unsubscribe: testBaseURL + "/unsubscribe/" + testLinkKey.UnsubscribeSecret(owner.WorkspaceID, email),
		Accept:      testBaseURL + accept,
		Verify:      testBaseURL + verify,
		Logo:        testBaseURL + "/brand/" + ws.field(t, "slug") + "/logo",
	}
	opened := map[string]bool{}
	for _, lang := range locale.Supported() {
		msgs, err := mail.SampleMessages(lang, links)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			kind := m.Headers["X-Onair-Kind"]
			found := linksOf(m)
			if len(found) == 0 && kind != "post_live_failed" && !strings.HasPrefix(kind, "payment") && kind != "workspace_suspended" &&
				kind != "webhook_disabled" { // says which API call enables the endpoint again
				t.Errorf("%s (%s) has no link at all", kind, lang)
			}
			for _, link := range found {
				if !strings.HasPrefix(link, testBaseURL+"/") {
					t.Errorf("%s (%s) links outside onair: %s", kind, lang, link)
					continue
				}
				if opened[link] {
					continue
				}
				opened[link] = true
				wantLinkOpens(t, h, kind, strings.TrimPrefix(link, testBaseURL))
			}
		}
	}
	if len(opened) < 8 {
		t.Fatalf("only %d distinct links opened: %v", len(opened), opened)
	}
	if ok, _ := store.Unsubscribed(ctx, h.db, owner.WorkspaceID, email, mail.KindReminder); ok {
		t.Fatal("opening the unsubscribe link unsubscribed: link scanners would unsubscribe everyone")
	}
}

var (
	hrefPattern = regexp.MustCompile(`(?:href|src)="([^"]+)"`)
	textURL     = regexp.MustCompile(`https?://[^\s<>"]+`)
	angleURL    = regexp.MustCompile(`<(https?://[^>]+)>`)
)

// linksOf is every URL an e-mail carries: in its HTML's href and src, its text, and its
// List-Unsubscribe header.
func linksOf(m mail.Message) []string {
	var out []string
	for _, l := range hrefPattern.FindAllStringSubmatch(m.HTML, -1) {
		if u := html.UnescapeString(l[1]); !strings.HasPrefix(u, "mailto:") {
			out = append(out, u)
		}
	}
	out = append(out, textURL.FindAllString(m.Text, -1)...)
	for _, l := range angleURL.FindAllStringSubmatch(m.Headers["List-Unsubscribe"], -1) {
		out = append(out, l[1])
	}
	for i, u := range out {
		out[i] = strings.TrimRight(u, ".,;)")
	}
	return out
}

// wantLinkOpens opens path as a browser would: 2xx, or a join link's redirect to the room.
func wantLinkOpens(t *testing.T, h *harness, kind, path string) {
	t.Helper()
	r := h.open(path)
	switch {
	case strings.HasPrefix(path, "/join/"):
		loc, err := url.Parse(r.Header.Get("Location"))
		if r.Status != http.StatusSeeOther || err != nil || !strings.HasPrefix(loc.String(), testMediaURL) {
			t.Errorf("%s: join link %s answered %d to %q", kind, path, r.Status, r.Header.Get("Location"))
		}
	case r.Status < 200 || r.Status > 299:
		t.Errorf("%s: %s answered %d: %.300s", kind, path, r.Status, r.Body)
	case strings.HasPrefix(path, "/brand/"):
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "image/") {
			t.Errorf("%s: logo %s is %q", kind, path, ct)
		}
	default:
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Errorf("%s: %s is %q, not a page", kind, path, ct)
		}
	}
}

// open GETs path as a browser opening a link: following redirects within the API, stopping
// at one that leaves it (the live room's page on the media node).
func (h *harness) open(path string) reply {
	h.t.Helper()
	api, _ := url.Parse(h.srv.URL)
	client := *h.srv.Client()
	client.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if req.URL.Host != api.Host || len(via) > 5 {
			return http.ErrUseLastResponse
		}
		return nil
	}
	req, err := http.NewRequest(http.MethodGet, h.srv.URL+path, nil)
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Accept", "text/html")
	req.Header.Set("Accept-Language", "fr")
	res, err := client.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return reply{Status: res.StatusCode, Header: res.Header, Body: body}
}

// endWithReplay marks a session processed with a ready recording, as the post-live chain
// leaves it.
func endWithReplay(t *testing.T, h *harness, sessionID string) {
	t.Helper()
	ctx := context.Background()
	sess, err := store.SessionByID(ctx, h.db, sessionID)
	if err != nil {
		t.Fatal(err)
	}
	now := store.Now()
	sess.Status, sess.StartedAt, sess.EndedAt = store.SessionProcessed, &now, &now
	if err := store.Update(ctx, h.db, sess, "status", "started_at", "ended_at"); err != nil {
		t.Fatal(err)
	}
	rec := &store.Recording{ID: store.NewID("rec"), WorkspaceID: sess.WorkspaceID, SessionID: sess.ID, Status: store.RecordingReady,
		File: "replay.webm", Bytes: 1024, DurationMS: 60000, StartedAt: &now, ReadyAt: &now, CreatedAt: now, UpdatedAt: now}
	if err := store.SaveRecording(ctx, h.db, rec); err != nil {
		t.Fatal(err)
	}
}
