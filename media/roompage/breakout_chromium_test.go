package roompage_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/mediatest"
)

// Two breakout groups, each with one Chromium page publishing its fake camera and one Pion
// participant publishing synthetic audio and video: each page shows the videos of its own
// group only, with a banner naming it, and no longer the main stage's speaker. The host's
// page visits Table B from the Manage tab and plays Table B's camera while Table B's banner
// names the visitor; ending the groups brings everyone back to the main stage.
func TestBreakoutPagesShowOnlyTheirGroupInChromium(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	browser := newBrowser(t, ctx)
	n := mediatest.StartNode(t)
	n.Rooms.Open(session)
	link := func(person string, role authz.SessionRole) string {
		return roomLink(t, n, n.Claims(session, person, role))
	}
	speaker := n.Join(t, session, "speaker", authz.SessionSpeaker)
	speaker.Publish("audio", "video")

	host := openPage(t, browser, "host", link("host_1", authz.SessionHost))
	// Groups spread the participants present in the order of their ids: reg_1 and reg_3 to
	// Table A, reg_2 and reg_4 to Table B.
	alice := openPage(t, browser, "alice", link("reg_1", authz.SessionParticipant))
	carol := openPage(t, browser, "carol", link("reg_2", authz.SessionParticipant))
	bob := n.Join(t, session, "reg_3", authz.SessionParticipant)
	dave := n.Join(t, session, "reg_4", authz.SessionParticipant)
	for _, tab := range []context.Context{alice, carol} {
		await(t, tab, "the main stage's speaker", videosAre("speaker"))
	}

	act(t, host,
		chromedp.Click(chromedp.ID("tab-manage")),
		chromedp.SendKeys(chromedp.ID("breakout-names"), "Table A\nTable B"),
		chromedp.Click(chromedp.CSS("#breakout-form button[type=submit]")),
	)
	awaitText(t, host, "breakouts", "reg_1, reg_3")
	awaitText(t, host, "breakouts", "reg_2, reg_4")
	press(t, host, "the start button", "#breakout-start")
	awaitText(t, alice, "breakout-banner", "Breakout group “Table A”")
	awaitText(t, carol, "breakout-banner", "Breakout group “Table B”")
	for _, tab := range []context.Context{alice, carol} {
		await(t, tab, "the main stage paused", videosAre())
		publishCamera(t, tab)
	}
	// The Pion participants publish once the node has offered them their group's camera:
	// unlike the pages, they cannot settle offers that cross.
	mediatest.WaitFor(t, "bob receiving alice's camera", func() bool { return bob.Received("reg_1", "video") > 0 })
	mediatest.WaitFor(t, "dave receiving carol's camera", func() bool { return dave.Received("reg_2", "video") > 0 })
	bob.Publish("audio", "video")
	dave.Publish("audio", "video")

	await(t, alice, "Table A's videos only", videosAre("reg_3"))
	await(t, carol, "Table B's videos only", videosAre("reg_4"))
	mediatest.WaitFor(t, "bob receiving alice's camera", func() bool { return bob.Received("reg_1", "video") >= 30 })
	mediatest.WaitFor(t, "dave receiving carol's camera", func() bool { return dave.Received("reg_2", "video") >= 30 })
	if bob.Received("reg_2", "video")+dave.Received("reg_1", "video") != 0 {
		t.Error("a camera reached the other group")
	}
	await(t, carol, "still Table B's videos only", videosAre("reg_4"))

	// The host visits Table B: their page plays carol's camera, and Table B is told.
	press(t, host, "the visit button of Table B", `#breakout-visit-list li[data-id="brk2"] button`)
	await(t, host, "Table B's camera on the visiting host's page", `(v => v !== null && v.videoWidth > 0)(document.querySelector('#videos video[data-stream="reg_2"]'))`)
	await(t, host, "only Table B's videos while visiting", videosAre("reg_2", "reg_4"))
	awaitText(t, carol, "breakout-banner", "host_1 (host) is visiting your group.")
	awaitText(t, host, "breakout-banner", "You are visiting this group")
	wantEveryControlNamed(t, carol)
	saveScreenshot(t, carol, "breakout-visited")

	press(t, host, "the end button", "#breakout-end")
	for _, tab := range []context.Context{alice, carol, host} {
		await(t, tab, "the banner gone", `document.getElementById('breakout-banner').hidden`)
		await(t, tab, "the main stage back", videosAre("speaker"))
	}
	await(t, alice, "the camera controls gone off stage", `document.getElementById('publisher').hidden`)
}

// videosAre is a condition: the page shows exactly the videos of these streams (people).
func videosAre(streams ...string) string {
	if streams == nil {
		streams = []string{}
	}
	want, _ := json.Marshal(streams) // sorted by the callers, as the page's list is
	return fmt.Sprintf(`JSON.stringify([...document.querySelectorAll('#videos video')].map(v => v.dataset.stream).sort()) === %q`, want)
}

// publishCamera turns on the page's (fake) camera and publishes it.
func publishCamera(t *testing.T, tab context.Context) {
	t.Helper()
	press(t, tab, "the camera preview button", "#preview-start")
	await(t, tab, "the camera preview", `document.getElementById('preview').videoWidth > 0`)
	press(t, tab, "the publish button", "#publish")
}
