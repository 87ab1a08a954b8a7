package roompage_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/mediatest"
)

// brightness is the mean brightness (0–255) of the speaker's video on a page, drawn small.
const brightness = `(v => {
	const c = document.createElement('canvas'); c.width = 64; c.height = 36;
	const g = c.getContext('2d'); g.drawImage(v, 0, 0, 64, 36);
	const d = g.getImageData(0, 0, 64, 36).data; let s = 0;
	for (let i = 0; i < d.length; i += 4) s += d[i] + d[i + 1] + d[i + 2];
	return s / (d.length / 4) / 3;
})(document.querySelector('video[data-stream="stf_sofia"]'))`

// previewTrack is the speaker's own track of a kind, as the page sends it.
func previewTrack(kind string) string {
	return `document.getElementById('preview').srcObject.getTracks().find((t) => t.kind === '` + kind + `')`
}

// TestOwnMicrophoneCameraAndDevicesInChromium: a speaker on stage turns their camera off (the
// participant's page then shows black, not a frozen picture) and on again, mutes their
// microphone, and picks a camera from the list: the new device's track replaces the one being
// sent without renegotiating, and the participant keeps seeing them.
func TestOwnMicrophoneCameraAndDevicesInChromium(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	browser := newBrowser(t, ctx)
	n := mediatest.StartNode(t)
	n.Rooms.Open(session)

	speaker := sofiaOnStage(t, browser, n)
	guest := openPage(t, browser, "participant", roomLink(t, n, n.Claims(session, "reg_1", authz.SessionParticipant)))
	await(t, guest, "the speaker's camera playing", `(v => v !== null && v.videoWidth > 0)(document.querySelector('video[data-stream="stf_sofia"]'))`)
	await(t, guest, "a picture, not black", brightness+` > 30`)

	press(t, speaker, "the camera button", "#mute-cam")
	await(t, speaker, "the camera off", `!`+previewTrack("video")+`.enabled && document.getElementById('mute-cam').getAttribute('aria-pressed') === 'true'`)
	await(t, guest, "black where the speaker was", brightness+` < 8`)
	press(t, speaker, "the camera button again", "#mute-cam")
	await(t, guest, "the picture back", brightness+` > 30`)

	press(t, speaker, "the microphone button", "#mute-mic")
	await(t, speaker, "the microphone muted", `!`+previewTrack("audio")+`.enabled && document.getElementById('mute-mic').getAttribute('aria-pressed') === 'true'`)

	await(t, speaker, "the cameras listed", `document.querySelectorAll('#cam-select option').length > 0 && document.querySelector('#cam-select option').textContent.trim() !== ''`)
	before, err := chromedp.Run(speaker, chromedp.Evaluate[string](previewTrack("video")+`.id`))
	if err != nil {
		t.Fatal(err)
	}
	act(t, speaker, chromedp.Evaluate[chromedp.Void](`(s => { s.value = s.options[s.options.length - 1].value; s.dispatchEvent(new Event('change')); })(document.getElementById('cam-select'))`))
	await(t, speaker, "the chosen camera's track in place", previewTrack("video")+`.id !== '`+before+`' && `+previewTrack("video")+`.readyState === 'live'`)
	await(t, speaker, "the microphone still muted", `!`+previewTrack("audio")+`.enabled`)
	frames := `document.querySelector('video[data-stream="stf_sofia"]').getVideoPlaybackQuality().totalVideoFrames`
	count, err := chromedp.Run(guest, chromedp.Evaluate[float64](frames))
	if err != nil {
		t.Fatal(err)
	}
	await(t, guest, "the speaker still seen after the switch", `(`+frames+`) > `+strconv.Itoa(int(count)+25)+` && `+brightness+` > 30`)
}
