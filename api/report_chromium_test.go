package api_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/onairhq/onair/browsertest"
)

// TestReportPageInChromium: a team member opens the report link of a session that ran (the
// same scene as the report's numbers test) at desktop and phone widths: the charts are drawn
// (their SVG passed the page's CSP and has a size), and nothing is wider than the phone.
func TestReportPageInChromium(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	sc := runReportScene(t)
	h := sc.h
	link := h.must(http.StatusCreated, "POST", "/v1/sessions/"+sc.session+"/report/link", sc.owner.Key, nil).field(t, "url")
	server, err := url.Parse(h.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	browser := browsertest.Start(t, ctx, browsertest.Options{HostRules: "MAP onair.test:80 " + server.Host})
	page := browsertest.Open(t, browser, link, "main")
	const charts = `[...document.querySelectorAll('svg.chart')]`
	browsertest.Await(t, page, "six charts drawn with a size", charts+`.filter(s => s.getBoundingClientRect().width > 200 && s.getBoundingClientRect().height > 50).length >= 6`)
	browsertest.Await(t, page, "the curve styled by the stylesheet (its colour passed the CSP)",
		`getComputedStyle(document.querySelector('.chart-line')).stroke !== 'none'`)
	browsertest.Await(t, page, "the most engaged attendee first", `document.querySelector('.top-attendees li strong').textContent === 'Ann'`)
	browsertest.Screenshot(t, page, "report-desktop")
	if err := chromedp.Do(page, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	browsertest.Await(t, page, "a phone-wide report without sideways scrolling", `document.documentElement.scrollWidth <= window.innerWidth`)
	browsertest.Await(t, page, "every chart within the phone's width", charts+`.every(s => s.getBoundingClientRect().right <= window.innerWidth)`)
	browsertest.Screenshot(t, page, "report-phone")

	french := browsertest.Open(t, browser, link+"?lang=fr", "main")
	browsertest.Await(t, french, "the page in French", `document.querySelector('#curve-title').textContent === 'Spectateurs par minute'`)
	if err := chromedp.Do(french, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	browsertest.Await(t, french, "the French report fitting a phone", `document.documentElement.scrollWidth <= window.innerWidth`)
	browsertest.Screenshot(t, french, "report-phone-fr")
}
