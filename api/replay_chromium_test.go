package api_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/onairhq/onair/browsertest"
)

// playReplayInChromium opens the replay page in Chromium with its scripts off (the page needs
// none): the <video> picks a source it can play (Chromium 156 plays HLS itself, older ones
// fall back to the MP4), loads, seeks and plays; and the MP4 alone does the same.
func playReplayInChromium(t *testing.T, h *harness, base string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	server, err := url.Parse(h.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	browser := browsertest.Start(t, ctx, browsertest.Options{NoScript: true, HostRules: "MAP onair.test:80 " + server.Host})
	for _, page := range []struct{ url, ready string }{{testBaseURL + base, "video"}, {testBaseURL + base + "/video", "video"}} {
		tab := browsertest.Open(t, browser, page.url, page.ready)
		browsertest.Await(t, tab, "the replay's metadata", `document.querySelector('video').readyState >= 1 && document.querySelector('video').duration > 1`)
		src, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.querySelector('video').currentSrc`))
		if err != nil || !(strings.HasSuffix(src, base+"/video") || strings.HasSuffix(src, base+"/hls/index.m3u8")) {
			t.Fatalf("%s: the video plays %q, %v", page.url, src, err)
		}
		t.Logf("%s: Chromium plays %s", page.url, src[strings.LastIndex(src, "/"):])
		// DevTools evaluates with the page's scripts off; muted, as autoplay rules want.
		browsertest.Await(t, tab, "the replay to seek to 1 s and play on", `(() => { const v = document.querySelector('video');
			if (!v.dataset.asked) { v.dataset.asked = 1; v.muted = true; v.currentTime = 1; v.play(); }
			return !v.seeking && v.currentTime > 1.2 && !v.error })()`)
	}
}
