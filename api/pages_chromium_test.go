package api_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/onairhq/onair/browsertest"
)

// The hosted pages in a real browser (headless Chromium, as media/roompage's tests drive it).
// The browser resolves the API's public host, onair.test, to the test server, so the pages'
// absolute links (the logo, the company page) load as they would in production.

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
	server, err := url.Parse(h.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	browser := browsertest.Start(t, ctx, browsertest.Options{HostRules: "MAP onair.test:80 " + server.Host})

	company := browsertest.Open(t, browser, testBaseURL+"/c/"+co.slug, "main")
	browsertest.Await(t, company, "the visitor's local time beside the session's", `document.querySelector('.events .local-time')?.textContent.startsWith('Chez vous\u00a0: ')`)
	browsertest.Await(t, company, "the logo loaded", `document.querySelector('header.site img')?.naturalWidth === 180`)
	browsertest.Await(t, company, "the brand colour applied (its style passed the CSP)",
		`getComputedStyle(document.querySelector('header.site')).borderTopColor === 'rgb(15, 118, 110)'`)
	browsertest.Await(t, company, "the listed event linking to its page", `document.querySelector('.events h3 a').getAttribute('href') === '/e/`+co.listed+`'`)
	browsertest.Screenshot(t, company, "company-desktop")
	if err := chromedp.Do(company, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	browsertest.Await(t, company, "a phone-wide page without sideways scrolling", `document.documentElement.scrollWidth <= window.innerWidth`)
	browsertest.Screenshot(t, company, "company-phone")

	email, link := h.invitedBy(co.owner, "member")
	invitation := browsertest.Open(t, browser, testBaseURL+link, "main")
	browsertest.Await(t, invitation, "the invitation's form", `document.querySelector('h1').textContent.includes('Rejoindre Lumière Conseil')`)
	browsertest.Screenshot(t, invitation, "invitation-desktop")
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
	browsertest.Await(t, invitation, "the key page fitting a phone", `document.documentElement.scrollWidth <= window.innerWidth`)
	browsertest.Screenshot(t, invitation, "invitation-key-phone")
	me := h.must(http.StatusOK, "GET", "/v1/me", key, nil)
	if me.field(t, "name") != "Inès Moreau" || me.field(t, "user", "email") != email {
		t.Fatalf("the key shown in the browser acts as %s", me.Body)
	}
}
