package roompage_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/mediatest"
	"github.com/onairhq/onair/store"
)

// participantSeesNoStaffControl: the page's controls for §4 staff actions; a participant's page has none
// of them shown.
const participantSeesNoStaffControl = `['tab-manage', 'rec-toggle', 'private-toggle', 'poll-form', 'reactions-toggle', 'cta-form', 'presentation-form', 'breakout-box']
	.every((id) => document.getElementById(id).hidden) &&
	document.querySelectorAll('#people button, #questions button, #questions form, #chat button').length === 0`

// The host's room page drives the room through the browser: it waits in the green room and
// is told when the session goes live; sends a call to action; is told a stage invitation was
// declined; answers a question; turns private questions on (another participant no longer
// sees a participant's question); moderates questions and chat; presents; creates, fills,
// starts and ends breakout groups; records; removes one participant and blocks another, who
// is refused until unblocked. The participants' pages show each result, and none of the
// staff controls. Real Chromium, a real media node.
func TestRoomPageStaffControlsInChromium(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	browser := newBrowser(t, ctx)
	n := mediatest.StartNode(t)
	link := func(person string, role authz.SessionRole) string {
		return roomLink(t, n, n.Claims(session, person, role))
	}

	host := openPage(t, browser, "host", link("host_1", authz.SessionHost))
	await(t, host, "the host in the green room", `document.body.dataset.live === 'false'`)
	awaitText(t, host, "status", "green room")
	n.Rooms.Open(session)
	await(t, host, "the green room going live", `document.body.dataset.live === 'true'`)
	awaitText(t, host, "status", "The session is live")

	alice := openPage(t, browser, "alice", link("reg_1", authz.SessionParticipant))
	bob := openPage(t, browser, "bob", link("reg_2", authz.SessionParticipant))
	for _, tab := range []context.Context{alice, bob} {
		await(t, tab, "the participant in the live room", `document.body.dataset.state === 'joined' && document.body.dataset.live === 'true'`)
	}

	act(t, host,
		chromedp.Click(chromedp.ID("tab-manage")),
		chromedp.SendKeys(chromedp.ID("cta-text"), "Get the slides"),
		chromedp.SendKeys(chromedp.ID("cta-url"), "https://example.com/slides"),
		chromedp.Click(chromedp.CSS("#cta-form button[type=submit]")),
	)
	awaitText(t, alice, "cta", "Get the slides")
	await(t, alice, "the call to action's link", `document.querySelector('#cta a').href === 'https://example.com/slides'`)

	// Alice declines a stage invitation with the keyboard (Escape on the prompt).
	act(t, host, chromedp.Click(chromedp.ID("tab-people")))
	press(t, host, "the invite button for alice", `#people [data-act="stage.invite:reg_1"]`)
	await(t, alice, "the stage invitation prompt with the focus on it", `!document.getElementById('invite').hidden && document.activeElement.id === 'invite-accept'`)
	act(t, alice, chromedp.KeyEvent(kb.Escape))
	await(t, alice, "the prompt gone", `document.getElementById('invite').hidden`)
	awaitText(t, host, "status", "reg_1 declined the stage invitation")

	// An answered question; then private mode: Bob does not see Alice's next question.
	act(t, alice, chromedp.Click(chromedp.ID("tab-questions")))
	post(t, alice, host, "question", "questions", "Is there a replay?")
	act(t, host,
		chromedp.Click(chromedp.ID("tab-questions")),
		chromedp.SendKeys(chromedp.CSS("#questions .answer-form input"), "Yes, tomorrow"),
		chromedp.Click(chromedp.CSS("#questions .answer-form button")),
	)
	for _, tab := range []context.Context{alice, bob} {
		await(t, tab, "the host's answer under the question", `document.querySelector('#questions .answer') !== null &&
			document.querySelector('#questions .answer').textContent.includes('Yes, tomorrow')`)
	}
	act(t, host, chromedp.Click(chromedp.ID("private-toggle")))
	awaitText(t, bob, "questions-mode", "Private questions are on")
	await(t, bob, "another participant's question put away in private mode", `!document.getElementById('questions').textContent.includes('Is there a replay?')`)
	await(t, host, "the toggle pressed", `document.getElementById('private-toggle').getAttribute('aria-pressed') === 'true'`)
	post(t, alice, host, "question", "questions", "A private worry")
	act(t, alice, chromedp.Click(chromedp.ID("tab-chat")))
	post(t, alice, bob, "chat", "chat", "after my question") // Bob would have had the question by now
	if got, err := chromedp.Run(bob, chromedp.Evaluate[string](`document.getElementById('questions').textContent`)); err != nil || strings.Contains(got, "A private worry") {
		t.Fatalf("in private mode another participant sees the question (their list: %q, err %v)", got, err)
	}
	awaitText(t, alice, "questions", "A private worry") // the asker sees their own
	await(t, alice, "the participant's page without staff controls", participantSeesNoStaffControl)

	// Moderation: a question marked answered live, a question and a chat line deleted.
	press(t, host, "the answered-live button", `#questions button[aria-label^="Mark the question"]`)
	awaitText(t, alice, "questions", "answered live")
	press(t, host, "the delete button of the first question", `#questions button[aria-label^="Delete"]`)
	act(t, host, chromedp.Click(chromedp.ID("tab-chat")))
	press(t, host, "the delete button of the chat line", `#chat button[aria-label^="Delete"]`)
	for _, tab := range []context.Context{alice, bob} {
		await(t, tab, "the deleted question and chat line gone", `!document.getElementById('questions').textContent.includes('Is there a replay?') &&
			!document.getElementById('chat').textContent.includes('after my question')`)
	}

	// The arrow keys move between the tabs a participant has, past the hidden Manage tab.
	act(t, alice, chromedp.Focus(chromedp.ID("tab-people")), chromedp.KeyEvent(kb.ArrowRight))
	await(t, alice, "the arrow key wrapping to the chat tab", `document.activeElement.id === 'tab-chat'`)

	// A presentation, started and stopped.
	act(t, host,
		chromedp.Click(chromedp.ID("tab-manage")),
		chromedp.SendKeys(chromedp.ID("presentation-url"), "https://example.com/deck.pdf"),
		chromedp.Click(chromedp.CSS("#presentation-form button[type=submit]")),
	)
	await(t, alice, "the presentation link", `!document.getElementById('presentation').hidden &&
		document.querySelector('#presentation a').href === 'https://example.com/deck.pdf'`)
	press(t, host, "the stop-presenting button", "#presentation-stop")
	await(t, alice, "the presentation gone", `document.getElementById('presentation').hidden`)

	// Breakout groups: created with the participants spread over them, started, ended.
	act(t, host,
		chromedp.SendKeys(chromedp.ID("breakout-names"), "Table A\nTable B"),
		chromedp.Click(chromedp.CSS("#breakout-form button[type=submit]")),
	)
	await(t, host, "both groups with one participant each", `[...document.querySelectorAll('#breakouts li')]
		.map((li) => li.textContent).join('|') === 'Table Areg_1|Table Breg_2'`)
	act(t, host,
		chromedp.SetValue(chromedp.ID("breakout-person"), "reg_2"),
		chromedp.SetValue(chromedp.ID("breakout-group"), "brk1"),
		chromedp.Click(chromedp.CSS("#breakout-move button[type=submit]")),
	)
	await(t, host, "bob moved to Table A", `[...document.querySelectorAll('#breakouts li')]
		.map((li) => li.textContent).join('|') === 'Table Areg_1, reg_2|Table Bnobody yet'`)
	wantEveryControlNamed(t, host)
	saveScreenshot(t, host, "host-manage-desktop")
	press(t, host, "the start button", "#breakout-start")
	awaitText(t, alice, "status", "You are in the breakout group “Table A”")
	awaitText(t, bob, "status", "You are in the breakout group “Table A”")
	press(t, host, "the end button", "#breakout-end")
	awaitText(t, alice, "status", "You are back in the main room")

	act(t, alice, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile), chromedp.Click(chromedp.ID("tab-questions")))
	await(t, alice, "a phone-wide page without sideways scrolling", `document.documentElement.scrollWidth <= window.innerWidth`)
	saveScreenshot(t, alice, "participant-questions-phone")

	// The host records: everyone's page shows REC until the host stops.
	press(t, host, "the record button", "#rec-toggle")
	await(t, bob, "REC on the participant's page", `!document.getElementById('rec').hidden`)
	awaitText(t, host, "rec-toggle", "Stop recording")
	press(t, host, "the stop-recording button", "#rec-toggle")
	await(t, bob, "REC gone", `document.getElementById('rec').hidden`)

	// Bob is removed (he may come back); Alice is blocked, refused, then unblocked.
	act(t, host, chromedp.Click(chromedp.ID("tab-people")))
	press(t, host, "the remove button for bob", `#people [data-act="participant.kick:reg_2"]`)
	await(t, bob, "the removal explained", `document.body.dataset.state === 'ended'`)
	awaitText(t, bob, "alert", "The organizers removed you from this session")
	press(t, host, "the block button for alice", `#people [data-act="participant.block:reg_1"]`)
	await(t, alice, "the block explained", `document.body.dataset.state === 'ended'`)
	awaitText(t, alice, "alert", "The organizers blocked you from this session")
	await(t, alice, "the room put away: nothing left to type into", `document.getElementById('chat-text').offsetParent === null`)
	await(t, host, "the people list without them", `document.querySelectorAll('#people li').length === 1`)
	awaitText(t, host, "blocked", "reg_1")
	saveScreenshot(t, alice, "participant-blocked-phone")

	again := openPage(t, browser, "alice again", link("reg_1", authz.SessionParticipant))
	awaitText(t, again, "alert", "The organizers blocked you from this session")
	press(t, host, "the unblock button", "#blocked button")
	mediatest.WaitFor(t, "the unblock in the store", func() bool {
		n.Flush(t, session)
		return n.Count(t, &store.RoomEvent{}, session, "kind = ?", store.RoomEventUnblock) == 1
	})
	back := openPage(t, browser, "alice unblocked", link("reg_1", authz.SessionParticipant))
	await(t, back, "the unblocked participant back in the room", `document.body.dataset.state === 'joined'`)
	awaitText(t, back, "cta", "Get the slides") // the call to action still on show, for a late joiner too

	act(t, host, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile), chromedp.Click(chromedp.ID("tab-manage")))
	await(t, host, "the host's page phone-wide without sideways scrolling", `document.documentElement.scrollWidth <= window.innerWidth`)
	saveScreenshot(t, host, "host-manage-phone")
}
