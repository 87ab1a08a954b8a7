package roompage_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/locale"
	"github.com/onairhq/onair/media/jointoken"
	"github.com/onairhq/onair/media/mediatest"
	"github.com/onairhq/onair/media/roompage"
)

// openPageIn is openPage for a visitor whose computer is set to the IANA zone zone.
func openPageIn(t *testing.T, browser context.Context, name, url, zone string) context.Context {
	t.Helper()
	tab, cancel := chromedp.NewContext(browser)
	t.Cleanup(cancel)
	setZone := chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
		_, err := cdp.Call(ctx, target, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: zone})
		return err
	})
	if err := chromedp.Do(tab, setZone, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.ID("status"))); err != nil {
		t.Fatalf("%s: open room page: %v", name, err)
	}
	return tab
}

// text is the text of the element with this id.
func text(t *testing.T, tab context.Context, id string) string {
	t.Helper()
	s, err := chromedp.Run(tab, chromedp.Evaluate[string](fmt.Sprintf(`document.getElementById(%q).textContent`, id)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// A visitor in New York opens the room of a Paris session two hours ahead, in French and in
// English: the page shows the event's title (tab title too), its start in Paris as the API
// wrote it and in the visitor's own time, the workspace's colour and logo, buttons in the
// page's language, and a countdown rather than an error; once the session opens, the page
// joins by itself and says so in the same language.
func TestRoomPageSpeaksFrenchAndEnglishInChromium(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	browser := newBrowser(t, ctx)
	n := mediatest.StartNode(t)
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	starts := time.Now().Add(2 * time.Hour).Truncate(time.Minute)

	for _, tc := range []struct {
		lang, title, clock, countdown, chat, waiting, joined string
	}{
		{"fr", "Lancement du produit", "15:04", `^Début dans 1 h [0-5]\d min \d\d s$`, "Discussion", "pas encore commencé", "Vous êtes dans la salle en direct."},
		{"en", "Product launch", "03:04 PM", `^Starts in 1 h [0-5]\d min \d\d s$`, "Chat", "has not started yet", "You are in the live room."},
	} {
		session := "ses_" + tc.lang
		claims := n.Claims(session, "reg_"+tc.lang, authz.SessionParticipant)
		claims.Page = &jointoken.Page{Title: tc.title, StartsAt: starts.Unix(), Timezone: "Europe/Paris",
			When: locale.For(tc.lang).DateTime(starts.In(paris)), Organization: "Atelier Lumière",
			BrandColor: "#c2410c", LogoURL: n.PublicURL + "/brand/atelier/logo"}
		link := roompage.Link(roompage.LinkParams{MediaURL: n.Server.URL, SessionID: session, Token: n.TokenFor(t, claims), Lang: tc.lang})
		tab := openPageIn(t, browser, tc.lang, link, "America/New_York")

		await(t, tab, "the countdown", `document.body.dataset.state === 'waiting' && !document.getElementById('waiting').hidden`)
		if got := text(t, tab, "countdown"); !regexp.MustCompile(tc.countdown).MatchString(got) {
			t.Errorf("%s: countdown %q, want %s", tc.lang, got, tc.countdown)
		}
		awaitText(t, tab, "status", tc.waiting)
		if shown, err := chromedp.Run(tab, chromedp.Evaluate[bool](`!document.getElementById('alert').hidden`)); err != nil || shown {
			t.Errorf("%s: waiting for the start shows an alert (%v): %q", tc.lang, err, text(t, tab, "alert"))
		}
		if got, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.documentElement.lang + '|' + document.title`)); err != nil || got != tc.lang+"|"+tc.title {
			t.Errorf("lang and tab title %q (%v), want %s|%s", got, err, tc.lang, tc.title)
		}
		if got := text(t, tab, "title"); got != tc.title {
			t.Errorf("%s: heading %q", tc.lang, got)
		}
		awaitText(t, tab, "when", claims.Page.When)
		awaitText(t, tab, "local-when", starts.In(newYork).Format(tc.clock))
		awaitText(t, tab, "tab-chat", tc.chat)
		await(t, tab, "the workspace's colour on the buttons and its logo loaded",
			`getComputedStyle(document.querySelector('#chat-form button')).backgroundColor === 'rgb(194, 65, 12)' &&
			!document.getElementById('logo').hidden && document.getElementById('logo').naturalWidth > 0 &&
			document.getElementById('logo').alt.includes('Atelier Lumière')`)
		wantEveryControlNamed(t, tab)
		saveScreenshot(t, tab, "room-waiting-"+tc.lang+"-desktop")
		act(t, tab, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
		await(t, tab, "a phone-wide page without sideways scrolling", `document.documentElement.scrollWidth <= window.innerWidth`)
		saveScreenshot(t, tab, "room-waiting-"+tc.lang+"-phone")

		n.Rooms.Open(session)
		await(t, tab, "joining once the session opened", `document.body.dataset.state === 'joined' && document.getElementById('waiting').hidden`)
		awaitText(t, tab, "status", tc.joined)
	}
}
