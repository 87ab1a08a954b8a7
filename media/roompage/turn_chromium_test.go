package roompage_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/browsertest"
	"github.com/onairhq/onair/media/mediatest"
)

// relayOnly makes every RTCPeerConnection of the page relay-only (ICE transport policy
// relay), as a browser on a network that lets nothing but the TURN server out would end up.
const relayOnly = `(() => {
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(config) {
      super({ ...config, iceTransportPolicy: 'relay' });
      window.relayOnlyPeer = this;
    }
  };
})();`

// Chromium reaches the test's TURN server over TLS, trusting its self-signed certificate
// through --ignore-certificate-errors.
const turnOverTLS, turnProtocol = true, "tls"

// A participant's room page that may only relay through TURN (iceTransportPolicy 'relay')
// plays the host's camera: the TURN server and credentials come from the joined frame.
func TestTURNRelayInChromium(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	browser := browsertest.Start(t, ctx, browsertest.Options{Width: 1280, Height: 860, FakeMedia: true, TrustAnyCertificate: true})
	relay := mediatest.StartTURN(t, turnOverTLS)
	n := mediatest.StartNodeWith(t, relay.Network(t))
	n.Rooms.Open(session)
	link := func(person string, role authz.SessionRole) string {
		return roomLink(t, n, n.Claims(session, person, role))
	}

	host := openPage(t, browser, "host", link("host_1", authz.SessionHost))
	await(t, host, "the host to join", `document.body.dataset.state === 'joined'`)
	publishCamera(t, host)

	guest, cancelGuest := chromedp.NewContext(browser)
	t.Cleanup(cancelGuest)
	messages := chromedp.Console(guest)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			t.Logf("participant console: %s", m.String())
		}
	}()
	act(t, guest, chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
		_, err := cdp.Call(ctx, target, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: relayOnly})
		return err
	}))
	act(t, guest, chromedp.Navigate(link("reg_1", authz.SessionParticipant)))
	await(t, guest, "the host's video playing on the relay-only page",
		`[...document.querySelectorAll('#videos video')].some(v => v.videoWidth > 0 && !v.paused)`)
	local, err := chromedp.Run(guest, chromedp.Evaluate[string](`(async () => {
	  const stats = await window.relayOnlyPeer.getStats();
	  const transport = [...stats.values()].find((r) => r.type === 'transport' && r.selectedCandidatePairId);
	  const pair = transport && stats.get(transport.selectedCandidatePairId);
	  const local = pair && stats.get(pair.localCandidateId);
	  return local ? local.candidateType + ' over ' + local.relayProtocol : 'no selected pair';
	})()`, chromedp.EvalAwaitPromise))
	if err != nil || local != "relay over "+turnProtocol {
		t.Errorf("the page's selected local candidate: %q (%v), want relay over %s", local, err, turnProtocol)
	}
	if got := relay.Server.Allocations(); got.Total == 0 {
		t.Errorf("the TURN server granted no allocation: %+v", got)
	}
}
