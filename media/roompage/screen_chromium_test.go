package roompage_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/mediatest"
)

// TestScreenShareInChromium: a speaker goes on stage with their (fake) camera and shares their
// screen; a participant's page shows the screen large, captioned with the speaker's name, the
// camera beside it; when the speaker stops sharing, the screen leaves the participant's page.
func TestScreenShareInChromium(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	browser := newBrowser(t, ctx)
	n := mediatest.StartNode(t)
	n.Rooms.Open(session)

	speaker := sofiaOnStage(t, browser, n)
	startShare(t, speaker)

	guest := openPage(t, browser, "participant", roomLink(t, n, n.Claims(session, "reg_1", authz.SessionParticipant)))
	const screen = `document.querySelector('#videos figure.screen')`
	await(t, guest, "the speaker's screen playing on the participant's page",
		`(f => f !== null && f.querySelector('video').videoWidth > 0 && !f.querySelector('video').paused)(`+screen+`)`)
	await(t, guest, "the screen captioned with the speaker's name",
		screen+`.querySelector('figcaption').textContent.includes('Sofia Martin')`)
	await(t, guest, "the speaker's camera beside the screen, captioned too",
		`(c => c !== null && c.querySelector('video').videoWidth > 0 && c.textContent.includes('Sofia Martin'))(document.querySelector('#videos figure.tile:not(.screen)'))`)
	await(t, guest, "the screen larger than the camera",
		screen+`.getBoundingClientRect().width > 2 * document.querySelector('#videos figure.tile:not(.screen)').getBoundingClientRect().width`)
	wantEveryControlNamed(t, guest)
	saveScreenshot(t, guest, "participant-screen-share")

	act(t, speaker, chromedp.Click(chromedp.ID("screen-toggle")))
	await(t, guest, "the screen gone after the speaker stopped sharing", screen+` === null`)
	await(t, guest, "the camera still playing", `document.querySelector('#videos figure.tile video[data-stream="stf_sofia"]') !== null`)
}

// startShare presses the Share screen button until the share is under way. Headless
// Chromium's screen capture (no real screen behind it) now and then turns the first request
// down, which the page takes as the person closing the browser's picker without choosing:
// nothing happens, as for anyone who cancels, and they press again.
func startShare(t *testing.T, speaker context.Context) {
	t.Helper()
	const sharing = `document.getElementById('screen-toggle').getAttribute('aria-pressed') === 'true'`
	for attempt := 1; ; attempt++ {
		press(t, speaker, "the Share screen button", "#screen-toggle")
		_, err := chromedp.Run(speaker, chromedp.Poll[chromedp.Void](sharing,
			chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(15*time.Second)))
		if err == nil {
			return
		}
		if attempt == 3 {
			t.Fatalf("the share never started after %d presses: %v", attempt, err)
		}
		t.Logf("the share did not start after press %d (%v); pressing again", attempt, err)
	}
}

// sofiaOnStage opens the room as the speaker Sofia Martin (stf_sofia), previews her (fake)
// camera and puts it on stage.
func sofiaOnStage(t *testing.T, browser context.Context, n *mediatest.Node) context.Context {
	t.Helper()
	claims := n.Claims(session, "stf_sofia", authz.SessionSpeaker)
	claims.Name = "Sofia Martin"
	speaker := openPage(t, browser, "speaker", roomLink(t, n, claims))
	await(t, speaker, "the speaker to join", `document.body.dataset.state === 'joined'`)
	act(t, speaker, chromedp.Click(chromedp.ID("preview-start")))
	await(t, speaker, "the speaker's camera preview", `document.getElementById('preview').videoWidth > 0`)
	act(t, speaker, chromedp.Click(chromedp.ID("publish")))
	return speaker
}
