package roompage_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/mediatest"
)

// Both pages measure their connection and show a quality badge in their language (the host's
// in French, the participant's in English); the participant's page reports it to the node,
// and the host's people list shows the participant's quality; /metrics counts them by level.
func TestMediaMetricsQualityInChromium(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	browser := newBrowser(t, ctx)
	n := mediatest.StartNode(t)
	n.Rooms.Open(session)
	hostLink := strings.Replace(roomLink(t, n, n.Claims(session, "host_1", authz.SessionHost)), "#", "?lang=fr#", 1)
	host := openPage(t, browser, "host", hostLink)
	await(t, host, "the host to join", `document.body.dataset.state === 'joined'`)
	publishCamera(t, host)
	guest := openPage(t, browser, "participant", roomLink(t, n, n.Claims(session, "reg_1", authz.SessionParticipant)))

	const badge = `document.getElementById('quality')`
	await(t, guest, "the participant's quality badge", badge+`.hidden === false && `+badge+`.textContent.startsWith('Connection: ') &&
		['good', 'fair', 'poor'].includes(`+badge+`.dataset.level)`)
	await(t, host, "the host's quality badge in French", badge+`.hidden === false && `+badge+`.textContent.startsWith('Connexion : ')`)
	await(t, host, "the participant's quality in the host's people list", `(q => q !== null && q.textContent.startsWith('Connexion : ') &&
		['good', 'fair', 'poor'].includes(q.dataset.level))(document.querySelector('#people li[data-id="reg_1"] .quality'))`)
	await(t, guest, "no one's quality in a participant's people list", `document.querySelector('#people .quality') === null`)

	mediatest.WaitFor(t, "both qualities counted in /metrics", func() bool {
		s := n.ScrapeMetrics(t)
		return s.Sum("onair_media_participants_quality")-s[`onair_media_participants_quality{level="unknown"}`] == 2
	})
}
