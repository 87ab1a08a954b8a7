package api_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The hosted pages in a real browser (headless Chromium, as media/roompage's tests drive it).
// The browser resolves the API's public host, onair.test, to the test server, so the pages'
// absolute links (the logo, the company page) load as they would in production.

// newPagesBrowser starts headless Chromium at a desktop size with onair.test mapped to h's
// server; it skips the test when no Chromium is installed.
func newPagesBrowser(t *testing.T, ctx context.Context, h *harness) context.Context {
	t.Helper()
	bin := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		t.Skip("no chromium binary on PATH (Debian: apt-get install chromium)")
	}
	server, err := url.Parse(h.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(bin), chromedp.UserDataDir(t.TempDir()), chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.WindowSize(1280, 900), chromedp.Flag("headless", true), chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("host-resolver-rules", "MAP onair.test:80 "+server.Host),
	)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancelBrowser(); cancelAlloc() })
	if err := chromedp.Do(browser, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return browser
}

// openTab opens url in a new tab of browser.
func openTab(t *testing.T, browser context.Context, url string) context.Context {
	t.Helper()
	tab, cancel := chromedp.NewContext(browser)
	t.Cleanup(cancel)
	if err := chromedp.Do(tab, chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS("main"))); err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	return tab
}

// holds polls a JavaScript condition in the page until it is true (or a minute passes: the
// machine may be busy; a condition that holds ends the wait at once).
func holds(t *testing.T, tab context.Context, what, condition string) {
	t.Helper()
	_, err := chromedp.Run(tab, chromedp.Poll[chromedp.Void](condition,
		chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(time.Minute)))
	if err != nil {
		text, _ := chromedp.Run(tab, chromedp.Evaluate[string](`document.body.innerText`))
		t.Fatalf("waiting for %s: %v\npage: %s", what, err, text)
	}
}

// screenshot keeps the page's picture in ONAIR_SCREENSHOTS when set (to look at), else in
// the test's temporary directory.
func screenshot(t *testing.T, tab context.Context, name string) {
	t.Helper()
	shot, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := os.Getenv("ONAIR_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, shot, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot of %s: %s", name, path)
}

// testLogo is a wide logo in two colours, as a workspace would upload.
func testLogo(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 180, 48))
	for x := range 180 {
		for y := range 48 {
			c := color.RGBA{R: 15, G: 118, B: 110, A: 255}
			if x > 60 {
				c = color.RGBA{R: 240, G: 180, B: 40, A: 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestHostedPagesInChromium: a visitor opens the company page in the workspace's brand at
// desktop and phone widths (with their local time added by the script, nothing wider than the
// phone), and a new teammate accepts an invitation through its page and gets a working key.
func TestHostedPagesInChromium(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	h := sqliteHarness(t)
	co := newCompany(h, "fr")
	h.must(http.StatusOK, "PATCH", "/v1/workspace/settings", co.owner.Key, map[string]any{"brand_color": "#0f766e"})
	h.must(http.StatusOK, "PUT", "/v1/workspace/logo", co.owner.Key, testLogo(t), "Content-Type", "image/png")
	h.must(http.StatusOK, "PUT", "/v1/billing/plan", co.owner.Key, map[string]string{"plan": "business"}) // room for a teammate
	browser := newPagesBrowser(t, ctx, h)

	company := openTab(t, browser, testBaseURL+"/c/"+co.slug)
	holds(t, company, "the visitor's local time beside the session's", `document.querySelector('.events .local-time')?.textContent.startsWith('Chez vous\u00a0: ')`)
	holds(t, company, "the logo loaded", `document.querySelector('header.site img')?.naturalWidth === 180`)
	holds(t, company, "the brand colour applied (its style passed the CSP)",
		`getComputedStyle(document.querySelector('header.site')).borderTopColor === 'rgb(15, 118, 110)'`)
	holds(t, company, "the listed event linking to its page", `document.querySelector('.events h3 a').getAttribute('href') === '/e/`+co.listed+`'`)
	screenshot(t, company, "company-desktop")
	if err := chromedp.Do(company, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	holds(t, company, "a phone-wide page without sideways scrolling", `document.documentElement.scrollWidth <= window.innerWidth`)
	screenshot(t, company, "company-phone")

	email, link := h.invitedBy(co.owner, "member")
	invitation := openTab(t, browser, testBaseURL+link)
	holds(t, invitation, "the invitation's form", `document.querySelector('h1').textContent.includes('Rejoindre Lumière Conseil')`)
	screenshot(t, invitation, "invitation-desktop")
	if err := chromedp.Do(invitation,
		chromedp.SendKeys(chromedp.ID("name"), "Inès Moreau"),
		chromedp.Click(chromedp.CSS("form button[type=submit]")),
	); err != nil {
		t.Fatal(err)
	}
	// The post navigates: a query waits for the new document, where a poll would lose its page.
	if err := chromedp.Do(invitation, chromedp.WaitVisible(chromedp.ID("api-key"))); err != nil {
		t.Fatalf("waiting for the new API key: %v", err)
	}
	key, err := chromedp.Run(invitation, chromedp.Evaluate[string](`document.getElementById('api-key').textContent`))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(invitation, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	holds(t, invitation, "the key page fitting a phone", `document.documentElement.scrollWidth <= window.innerWidth`)
	screenshot(t, invitation, "invitation-key-phone")
	me := h.must(http.StatusOK, "GET", "/v1/me", key, nil)
	if me.field(t, "name") != "Inès Moreau" || me.field(t, "user", "email") != email {
		t.Fatalf("the key shown in the browser acts as %s", me.Body)
	}
}
