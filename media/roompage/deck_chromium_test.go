package roompage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/decks"
	"github.com/onairhq/onair/decks/decktest"
	"github.com/onairhq/onair/media/mediatest"
	"github.com/onairhq/onair/store"
)

// A host picks a deck (drawn by real poppler) in the Manage tab and pages through it; a
// participant's page shows each slide, large beside the cameras, soon after the click; a
// participant who joins later sees the current slide. Real Chromium, a real media node.
func TestDeckPagedInChromium(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	browser := newBrowser(t, ctx)
	n := mediatest.StartNode(t)
	const ses = "ses_deck_room"
	images, err := decks.NewRenderer(decks.DefaultLimits).Render(ctx, decktest.PDF(4))
	if err != nil {
		t.Fatalf("render the deck with poppler: %v", err)
	}
	d := &store.Deck{ID: store.NewID("dck"), WorkspaceID: mediatest.TestWorkspace, SessionID: ses, Name: "Roadmap.pdf", CreatedBy: "usr_1", CreatedAt: store.Now()}
	if err := store.InsertDeck(ctx, n.DB, d, decks.ContentType, images); err != nil {
		t.Fatal(err)
	}
	n.Rooms.Open(ses)
	link := func(person string, role authz.SessionRole) string { return roomLink(t, n, n.Claims(ses, person, role)) }
	shows := func(page int) string {
		return fmt.Sprintf(`(i => i !== null && i.dataset.page === '%d' && i.complete && i.naturalWidth > 0)(document.getElementById('deck-image'))`, page)
	}

	host := openPage(t, browser, "host", link("host_1", authz.SessionHost))
	await(t, host, "the host to join", `document.body.dataset.state === 'joined'`)
	guest := openPage(t, browser, "participant", link("reg_1", authz.SessionParticipant))
	await(t, guest, "the participant to join", `document.body.dataset.state === 'joined'`)

	act(t, host, chromedp.Click(chromedp.ID("tab-manage")))
	await(t, host, "the deck in the host's picker", fmt.Sprintf(`document.querySelector('#deck-choice option[value=%q]') !== null`, d.ID))
	press(t, host, "Show on stage", "#deck-show")
	await(t, host, "slide 1 on the host's stage", shows(1))
	await(t, guest, "slide 1 on the participant's stage", shows(1))
	if hidden, err := chromedp.Run(guest, chromedp.Evaluate[bool](`document.getElementById('deck-prev').hidden && document.getElementById('deck-form').hidden`)); err != nil || !hidden {
		t.Fatalf("a participant is offered the deck controls (hidden %v, err %v)", hidden, err)
	}
	await(t, guest, "the slide large, the cameras beside it",
		`document.getElementById('deck').getBoundingClientRect().width > 2 * document.getElementById('videos').getBoundingClientRect().width`)

	// Each click on Next, timed from the host's click to the new slide drawn on the
	// participant's page (one browser: one clock).
	act(t, guest, chromedp.Evaluate[chromedp.Void](`window.deckShownAt = {};
		new MutationObserver(() => {
			const img = document.getElementById('deck-image');
			if (img.dataset.page && !(img.dataset.page in window.deckShownAt)) window.deckShownAt[img.dataset.page] = Date.now();
		}).observe(document.getElementById('deck-image'), { attributes: true, attributeFilter: ['data-page'] })`))
	var delays []time.Duration
	for page := 2; page <= 3; page++ {
		sent, err := chromedp.Run(host, chromedp.Evaluate[float64](`(() => { const at = Date.now(); document.getElementById('deck-next').click(); return at; })()`))
		if err != nil {
			t.Fatal(err)
		}
		await(t, guest, fmt.Sprintf("slide %d on the participant's stage", page), shows(page))
		shown, err := chromedp.Run(guest, chromedp.Evaluate[float64](fmt.Sprintf(`window.deckShownAt['%d']`, page)))
		if err != nil {
			t.Fatal(err)
		}
		delays = append(delays, time.Duration(shown-sent)*time.Millisecond)
		await(t, host, fmt.Sprintf("slide %d on the host's stage", page), shows(page))
	}
	// The delay is reported, not asserted: on a loaded machine it measures the machine (the
	// performance target, 200 ms, is measured by this log on a quiet one).
	t.Logf("from the host's click to the participant's slide: %v", delays)

	late := openPage(t, browser, "late participant", link("reg_2", authz.SessionParticipant))
	await(t, late, "the current slide on a late joiner's stage", shows(3))
	awaitText(t, late, "deck-caption", "slide 3 of 4")
	wantEveryControlNamed(t, host)
	saveScreenshot(t, late, "deck-late-joiner")

	press(t, host, "Stop showing the slides", "#deck-close")
	await(t, late, "the deck taken off stage", `document.getElementById('deck').hidden`)
}
