package roompage_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/browsertest"
	"github.com/onairhq/onair/media/jointoken"
	"github.com/onairhq/onair/media/mediatest"
	"github.com/onairhq/onair/media/roompage"
)

const session = "ses_live_room"

// newBrowser starts headless Chromium with a fake camera, microphone and screen and a fresh
// profile; each page opened from the returned context is a tab of it.
func newBrowser(t *testing.T, ctx context.Context) context.Context {
	t.Helper()
	return browsertest.Start(t, ctx, browsertest.Options{Width: 1280, Height: 860, FakeMedia: true})
}

// openPage opens a tab on url, forwarding its console and uncaught errors to the test log.
func openPage(t *testing.T, browser context.Context, name, url string) context.Context {
	t.Helper()
	tab, cancel := chromedp.NewContext(browser)
	t.Cleanup(cancel)
	messages := chromedp.Console(tab)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			t.Logf("%s console: %s", name, m.String())
		}
	}()
	if err := chromedp.Do(tab, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.ID("status"))); err != nil {
		t.Fatalf("%s: open room page: %v", name, err)
	}
	return tab
}

// awaitLimit bounds one wait generously: the machine may be busy, and a condition that holds
// ends the wait at once.
const awaitLimit = 90 * time.Second

// await polls a JavaScript condition in the page until it holds.
func await(t *testing.T, tab context.Context, what, condition string) {
	t.Helper()
	if _, err := chromedp.Run(tab, chromedp.Poll[chromedp.Void](condition, chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(awaitLimit))); err != nil {
		page, _ := chromedp.Run(tab, chromedp.Evaluate[string](`document.getElementById('status').textContent + ' | ' + document.getElementById('alert').textContent`))
		t.Fatalf("waiting for %s: %v (page says: %s)", what, err, page)
	}
}

// act runs steps in the page, failing the test on the first that fails.
func act(t *testing.T, tab context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(tab, steps...); err != nil {
		t.Fatal(err)
	}
}

// post writes text in the composer ("chat" or "question") of from's page and waits until it
// shows in the list of that name on to's page.
func post(t *testing.T, from, to context.Context, composer, list, text string) {
	t.Helper()
	act(t, from,
		chromedp.SendKeys(chromedp.ID(composer+"-text"), text),
		chromedp.Click(chromedp.CSS("#"+composer+"-form button")),
	)
	awaitText(t, to, list, text)
}

// awaitText waits until the element with this id shows text.
func awaitText(t *testing.T, tab context.Context, id, text string) {
	t.Helper()
	await(t, tab, fmt.Sprintf("%q in #%s", text, id), fmt.Sprintf(`document.getElementById(%q).textContent.includes(%q)`, id, text))
}

// press waits until the element css selects is shown, then clicks it. A list the room
// re-renders between the query and the click (another event arrived) replaces the node, which
// the browser reports as a node it cannot find: the click is tried again on the new one.
func press(t *testing.T, tab context.Context, what, css string) {
	t.Helper()
	for attempt := 1; ; attempt++ {
		await(t, tab, what, fmt.Sprintf(`(e => e !== null && e.offsetParent !== null)(document.querySelector(%q))`, css))
		err := chromedp.Do(tab, chromedp.Click(chromedp.CSS(css)))
		if err == nil {
			return
		}
		if attempt == 3 || !strings.Contains(err.Error(), "Could not find node") {
			t.Fatalf("clicking %s: %v", what, err)
		}
	}
}

// wantEveryControlNamed fails when a control (shown or in a hidden panel) has no accessible name (its text, an
// aria-label or a <label>), which a screen reader would announce as just "button".
func wantEveryControlNamed(t *testing.T, tab context.Context) {
	t.Helper()
	unnamed, err := chromedp.Run(tab, chromedp.Evaluate[[]string](`[...document.querySelectorAll('button, input, textarea, select, video')]
		.filter((e) => !((e.getAttribute('aria-label') || '').trim() ||
			[...(e.labels || [])].some((l) => l.textContent.trim()) ||
			(e.tagName === 'BUTTON' && e.textContent.trim())))
		.map((e) => e.outerHTML.slice(0, 120))`))
	if err != nil {
		t.Fatal(err)
	}
	if len(unnamed) > 0 {
		t.Errorf("controls without an accessible name: %v", unnamed)
	}
}

// roomLink is the room page's URL with a token for claims, as the API's /join/:secret makes it.
func roomLink(t *testing.T, n *mediatest.Node, c jointoken.Claims) string {
	t.Helper()
	return roompage.Link(roompage.LinkParams{MediaURL: n.Server.URL, SessionID: c.SessionID, Token: n.TokenFor(t, c)})
}

// saveScreenshot keeps the page's picture (ONAIR_SCREENSHOTS when set).
func saveScreenshot(t *testing.T, tab context.Context, name string) {
	t.Helper()
	browsertest.Screenshot(t, tab, name)
}

// A host's room page publishes its (fake) camera; a participant's page plays it; chat and a
// question asked by the participant reach the host's page; a poll is answered; a stage
// invitation is accepted and the participant's camera plays on the host's page. Real
// Chromium, a real media node.
func TestRoomPageInChromium(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	browser := newBrowser(t, ctx)

	n := mediatest.StartNode(t) // a real media node on loopback, with a real Postgres behind its rooms
	n.Rooms.Open(session)
	link := func(person string, role authz.SessionRole) string {
		return roomLink(t, n, n.Claims(session, person, role))
	}

	host := openPage(t, browser, "host", link("host_1", authz.SessionHost))
	await(t, host, "the host to join", `document.body.dataset.state === 'joined'`)
	act(t, host, chromedp.Click(chromedp.ID("preview-start")))
	await(t, host, "the host's camera preview", `document.getElementById('preview').videoWidth > 0`)
	act(t, host, chromedp.Click(chromedp.ID("publish")))

	guest := openPage(t, browser, "participant", link("reg_1", authz.SessionParticipant))
	await(t, guest, "the host's video playing on the participant's page",
		`[...document.querySelectorAll('#videos video')].some(v => v.videoWidth > 0 && !v.paused)`)
	// What Chromium decodes was encrypted by the node's downlink and written to the shared
	// socket directly, with keys taken from Chromium's own DTLS handshake.
	if got := n.DirectPackets(t, session, "reg_1"); got == 0 {
		t.Error("the participant's video did not take the direct path")
	}
	if hidden, err := chromedp.Run(guest, chromedp.Evaluate[bool](`document.getElementById('publisher').hidden`)); err != nil || !hidden {
		t.Fatalf("a participant not on stage is offered the camera controls (hidden %v, err %v)", hidden, err)
	}

	const chat, question = "Hello from the audience", "Will the slides be shared?"
	post(t, guest, host, "chat", "chat", chat)
	act(t, guest, chromedp.Click(chromedp.ID("tab-questions")))
	post(t, guest, host, "question", "questions", question)

	// A poll created and sent by the host is answered on the participant's page; the host's
	// page shows the live result.
	act(t, host,
		chromedp.Click(chromedp.ID("tab-polls")),
		chromedp.SendKeys(chromedp.ID("poll-question"), "Coffee or tea?"),
		chromedp.SendKeys(chromedp.ID("poll-options"), "Coffee\nTea"),
		chromedp.Click(chromedp.CSS("#poll-form button")),
	)
	await(t, host, "the host's draft poll", `document.querySelector('#polls form.poll button.small') !== null`)
	act(t, host, chromedp.Click(chromedp.CSS("#polls form.poll button.small")))
	await(t, guest, "the sent poll on the participant's page", `document.querySelector('#polls input[type=radio]') !== null`)
	act(t, guest,
		chromedp.Click(chromedp.ID("tab-polls")),
		chromedp.Click(chromedp.CSS("#polls input[value='1']")),
		chromedp.Click(chromedp.CSS("#polls button[type=submit]")),
	)
	await(t, host, "the participant's vote in the host's live results",
		`document.getElementById('polls').textContent.includes('Tea — 1 (100%)')`)

	// The host invites the participant on stage from the people list; once they accept, the
	// participant's camera plays on the host's page.
	act(t, host, chromedp.Click(chromedp.ID("tab-people")))
	await(t, host, "the participant in the host's people list", `document.querySelector('#people li[data-id="reg_1"] button') !== null`)
	act(t, host, chromedp.Click(chromedp.CSS(`#people li[data-id="reg_1"] button`)))
	await(t, guest, "the stage invitation prompt", `!document.getElementById('invite').hidden`)
	act(t, guest, chromedp.Click(chromedp.ID("invite-accept")))
	await(t, guest, "the camera controls after accepting", `!document.getElementById('publisher').hidden`)
	act(t, guest, chromedp.Click(chromedp.ID("preview-start")))
	await(t, guest, "the participant's camera preview", `document.getElementById('preview').videoWidth > 0`)
	act(t, guest, chromedp.Click(chromedp.ID("publish")))
	await(t, host, "the participant's video playing on the host's page",
		`[...document.querySelectorAll('#videos video')].some(v => v.dataset.stream === 'reg_1' && v.videoWidth > 0 && !v.paused)`)

	await(t, host, "the participant marked on stage in the host's people list",
		`document.querySelector('#people li[data-id="reg_1"]').textContent.includes('on stage')`)
	wantEveryControlNamed(t, host)
	saveScreenshot(t, host, "host-desktop")
	act(t, guest, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	await(t, guest, "a phone-wide page without sideways scrolling", `document.documentElement.scrollWidth <= window.innerWidth`)
	wantEveryControlNamed(t, guest)
	saveScreenshot(t, guest, "participant-phone")

	// The host leaves the stage: their video goes from the participant's page.
	act(t, host, chromedp.Click(chromedp.ID("unpublish")))
	await(t, guest, "the host's video gone after they left the stage", `document.querySelector('#videos video[data-stream="host_1"]') === null`)
}

// Refusals are explained on the page: an expired link says so and stops; before the start a
// participant is told to wait, and the page joins by itself once the room opens.
func TestRoomPageExplainsRefusalsAndWaitsForTheStart(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	browser := newBrowser(t, ctx)
	n := mediatest.StartNode(t)

	expired := n.Claims(session, "reg_late", authz.SessionParticipant)
	expired.ExpiresAt = time.Now().Add(-time.Minute).Unix()
	late := openPage(t, browser, "expired", roomLink(t, n, expired))
	await(t, late, "the expired-link message", `document.body.dataset.state === 'ended' &&
		document.getElementById('alert').textContent.includes('Your join link has expired')`)

	early := openPage(t, browser, "early", roomLink(t, n, n.Claims(session, "reg_early", authz.SessionParticipant)))
	await(t, early, "the not-started message", `document.getElementById('status').textContent.includes('joins by itself')`)
	n.Rooms.Open(session)
	await(t, early, "joining once the session started", `document.body.dataset.state === 'joined'`)
}
