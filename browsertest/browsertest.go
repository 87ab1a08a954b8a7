// Package browsertest drives headless Chromium for the tests of what people see in a browser:
// the hosted pages and the live room page. It starts the browser with the project's flags
// (headless, no sandbox, a fresh profile, no background networking; fake camera and
// microphone for the room), opens tabs, waits for conditions and keeps screenshots. Chromium
// is a real part of those tests: without it they fail, they do not skip (.ci/run installs it).
package browsertest

import (
	"cmp"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Options shape one browser.
type Options struct {
	Width, Height int  // the window; 1280×900 when zero
	NoScript      bool // JavaScript off, as some visitors browse
	// FakeMedia gives the browser a fake camera, microphone and screen (getDisplayMedia picks
	// the whole virtual screen without a picker), accepts their prompts, and lets WebRTC use
	// loopback, where test media nodes listen.
	FakeMedia bool
	// HostRules maps host names to the test servers (Chromium's --host-resolver-rules), e.g.
	// "MAP onair.test:80 127.0.0.1:4242", so absolute links of the pages load.
	HostRules string
	// TrustAnyCertificate accepts the test servers' self-signed TLS certificates
	// (--ignore-certificate-errors).
	TrustAnyCertificate bool
}

// Binary is the Chromium to drive, found on PATH.
func Binary(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("no chromium on PATH: these tests need it (Debian: apt-get install chromium; .ci/run installs it)")
	return ""
}

// Start launches a browser bound to ctx and the test; each tab opened from the returned context
// is a tab of it.
func Start(t testing.TB, ctx context.Context, o Options) context.Context {
	t.Helper()
	if o.Width == 0 {
		o.Width, o.Height = 1280, 900
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(Binary(t)),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.WindowSize(o.Width, o.Height),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
	}
	if o.NoScript {
		opts = append(opts, chromedp.Flag("blink-settings", "scriptEnabled=false"))
	}
	if o.FakeMedia {
		opts = append(opts,
			chromedp.Flag("use-fake-device-for-media-stream", true),
			chromedp.Flag("use-fake-ui-for-media-stream", true),
			chromedp.Flag("auto-select-desktop-capture-source", "Entire screen"),
			chromedp.Flag("allow-loopback-in-peer-connection", true))
	}
	if o.TrustAnyCertificate {
		opts = append(opts, chromedp.Flag("ignore-certificate-errors", true))
	}
	if o.HostRules != "" {
		opts = append(opts, chromedp.Flag("host-resolver-rules", o.HostRules))
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancelBrowser(); cancelAlloc() })
	if err := chromedp.Do(browser, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return browser
}

// Open opens url in a new tab of browser and waits until the element ready selects is there.
func Open(t testing.TB, browser context.Context, url, ready string) context.Context {
	t.Helper()
	tab, cancel := chromedp.NewContext(browser)
	t.Cleanup(cancel)
	if err := chromedp.Do(tab, chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS(ready))); err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	return tab
}

// AwaitLimit bounds one wait generously: the machine may be busy, and a condition that holds
// ends the wait at once.
const AwaitLimit = 90 * time.Second

// Await polls a JavaScript condition until it holds. Each poll is its own evaluation through
// DevTools, so it works with the page's scripts off too (an in-page poll would wait on timers
// that never fire there); one cut short by the page navigating (a form sent) is tried again on
// the new page, and one that throws counts as not yet.
func Await(t testing.TB, tab context.Context, what, condition string) {
	t.Helper()
	deadline := time.Now().Add(AwaitLimit)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		held, err := chromedp.Run(tab, chromedp.Evaluate[bool]("!!("+condition+")"))
		if err == nil && held {
			return
		}
		if tab.Err() != nil || time.Now().After(deadline) {
			text, _ := chromedp.Run(tab, chromedp.Evaluate[string](`document.body ? document.body.innerText : ''`))
			t.Fatalf("waiting for %s: %v (last poll: %v)\npage says: %s", what, cmp.Or(tab.Err(), context.DeadlineExceeded), err, text)
		}
		<-tick.C
	}
}

// Act runs steps in the tab, failing the test on the first that fails.
func Act(t testing.TB, tab context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(tab, steps...); err != nil {
		t.Fatal(err)
	}
}

// Screenshot keeps the whole page as name.png in ONAIR_SCREENSHOTS when set (a directory, to
// look at them), else in the test's temporary directory.
func Screenshot(t testing.TB, tab context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := os.Getenv("ONAIR_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s: %s", name, path)
}
