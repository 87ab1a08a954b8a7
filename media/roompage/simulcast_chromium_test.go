package roompage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/mediatest"
)

// A host's page publishes its fake 720p camera in three simulcast layers; a participant's page
// reports the size it shows the video at (video.size, from its ResizeObserver), and the node
// sends the layer that size needs: the picture the participant decodes is 320 wide in a small
// tile and wider than 640 in a large one.
func TestSimulcastRoomPageReceivesTheLayerItsTileNeeds(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	browser := newBrowser(t, ctx)
	n := mediatest.StartNode(t)
	n.Rooms.Open(session)
	link := func(person string, role authz.SessionRole) string {
		return roomLink(t, n, n.Claims(session, person, role))
	}
	host := openPage(t, browser, "host", link("host_1", authz.SessionHost))
	await(t, host, "the host to join", `document.body.dataset.state === 'joined'`)
	publishCamera(t, host)

	guest := openPage(t, browser, "participant", link("reg_1", authz.SessionParticipant))
	const video = `document.querySelector('#videos video[data-stream="host_1"]')`
	await(t, guest, "the host's video playing", fmt.Sprintf(`(v => v !== null && v.videoWidth > 0 && !v.paused)(%s)`, video))

	resize := func(width, height int) {
		act(t, guest, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(v => { v.style.setProperty('width', '%dpx', 'important'); v.style.setProperty('height', '%dpx', 'important') })(%s)`, width, height, video)))
	}
	resize(160, 90)
	await(t, guest, "the quarter-size layer in a small tile", fmt.Sprintf(`%s.videoWidth === 320`, video))
	resize(1280, 720)
	await(t, guest, "a better layer in a large tile", fmt.Sprintf(`%s.videoWidth > 640`, video))
	resize(160, 90)
	await(t, guest, "the quarter-size layer again", fmt.Sprintf(`%s.videoWidth === 320`, video))
}
