package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/onairhq/onair/browsertest"

	"github.com/onairhq/onair/store"
)

// The hosted pages in real Chromium: registering through /e/<slug> with custom fields, in
// French and in English, with JavaScript on and off, at desktop and phone widths; the errors
// of a bad form; cancelling through the cancel link; the embed framed by a page of another
// origin. The browser is browsertest's.

// words are what each language's pages say at the steps the test checks.
var words = map[string]struct{ required, option, registered, cancelled string }{
	"en": {"This field is required.", "Choose one of the options.", "You are registered", "Registration cancelled"},
	"fr": {"Ce champ est obligatoire.", "Choisissez l’une des options proposées.", "Inscription confirmée", "Inscription annulée"},
}

func TestRegistrationPagesInChromium(t *testing.T) {
	h := sqliteHarness(t)
	for _, tc := range []struct {
		name          string
		lang          string
		script, phone bool
	}{
		{"en-desktop-js", "en", true, false},
		{"fr-phone-nojs", "fr", false, true},
		{"fr-desktop-js", "fr", true, false},
		{"en-phone-nojs", "en", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			width, height := 1280, 900
			if tc.phone {
				width, height = 390, 844
			}
			e := newPageEvent(t, h, pageEventOptions{sessions: 2})
			h.must(http.StatusOK, "PATCH", "/v1/workspace/settings", e.owner.Key, map[string]any{"consent_text": "OK / D’accord"})
			tab := browsertest.Start(t, ctx, browsertest.Options{Width: width, Height: height, NoScript: !tc.script})
			w := words[tc.lang]

			if tc.phone {
				browsertest.Act(t, tab, chromedp.EmulateViewport(int64(width), int64(height), chromedp.EmulateMobile))
			}
			browsertest.Act(t, tab, chromedp.Navigate(h.srv.URL+"/e/"+e.slug+"?utm_source=chromium&lang="+tc.lang), chromedp.WaitVisible(chromedp.CSS("#register form")))
			browsertest.Await(t, tab, "the page loaded", `document.readyState === 'complete'`)
			local := `document.querySelector('.local-time') !== null`
			if tc.script {
				browsertest.Await(t, tab, "the visitor's local time", local)
			} else if shown, err := chromedp.Run(tab, chromedp.Evaluate[bool](local)); err != nil || shown {
				t.Fatalf("scripts are off, yet the local time shows (%v)", err)
			}
			if tc.phone {
				browsertest.Await(t, tab, "a phone-wide page without sideways scrolling", `document.documentElement.scrollWidth <= window.innerWidth`)
			}

			// A bad form: nothing filled in but an unknown answer.
			browsertest.Act(t, tab, chromedp.Click(chromedp.CSS(`#register button[type=submit]`)))
			browsertest.Await(t, tab, "the errors beside the fields", fmt.Sprintf(`document.querySelectorAll('[aria-invalid=true]').length >= 3 &&
				document.getElementById('error-email').textContent === %q && document.getElementById('error-fields.company') !== null`, w.required))
			browsertest.Screenshot(t, tab, "pages-"+tc.name+"-errors")

			email := tc.name + "@example.com"
			browsertest.Act(t, tab,
				chromedp.SendKeys(chromedp.ID("f-email"), email),
				chromedp.SendKeys(chromedp.ID("f-name"), "Zoé Chromium"),
				chromedp.SetValue(chromedp.CSS(`[id="f-fields.company"]`), "Globex"),
				chromedp.SendKeys(chromedp.CSS(`[id="f-fields.role"]`), "Designer"),
				chromedp.Click(chromedp.ID("f-consent")),
				chromedp.Click(chromedp.CSS(`#register input[name=session]:not(:checked)`)),
				chromedp.Click(chromedp.CSS(`#register button[type=submit]`)),
			)
			browsertest.Await(t, tab, "the page after registering", fmt.Sprintf(`document.querySelector('.registered h1') !== null &&
				document.querySelector('.registered h1').textContent === %q && document.body.innerText.includes(%q)`, w.registered, email))
			browsertest.Screenshot(t, tab, "pages-"+tc.name+"-registered")

			reg := registrantByEmail(t, h, email)
			if reg.Fields["company"] != "Globex" || reg.Fields["role"] != "Designer" || reg.UTMSource != "chromium" || reg.ConsentedAt == nil || reg.SessionID == e.ses {
				t.Fatalf("registered %+v", reg)
			}

			link := h.srv.URL + "/cancel/" + testLinkKey.Secret(store.LinkCancel, reg.ID, reg.LinkVersion) + "?lang=" + tc.lang
			browsertest.Act(t, tab, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.ID("confirm-cancel")))
			browsertest.Screenshot(t, tab, "pages-"+tc.name+"-cancel")
			if got := registrantByEmail(t, h, email).Status; got != store.RegistrantApproved {
				t.Fatalf("opening the cancel link made the registration %s", got)
			}
			browsertest.Act(t, tab, chromedp.Click(chromedp.ID("confirm-cancel")))
			browsertest.Await(t, tab, "the cancelled page", fmt.Sprintf(`document.querySelector('h1') && document.querySelector('h1').textContent === %q`, w.cancelled))
			if got := registrantByEmail(t, h, email).Status; got != store.RegistrantCancelled {
				t.Fatalf("after confirming, the registration is %s", got)
			}
		})
	}
}

// A page of another origin frames the embed, which it lists; the visitor registers inside
// the frame and sees the outcome there.
func TestEmbedInChromium(t *testing.T) {
	h := sqliteHarness(t)
	e := newPageEvent(t, h, pageEventOptions{})
	partner := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="en"><title>Partner</title><h1>Partner site</h1>
<iframe id="onair" title="Registration" src="%s/e/%s/embed?lang=en&utm_source=partner" style="width:100%%;height:820px;border:0"></iframe>`, h.srv.URL, e.slug)
	}))
	t.Cleanup(partner.Close)
	h.must(http.StatusOK, "PATCH", "/v1/workspace/settings", e.owner.Key, map[string]any{"embed_origins": []string{partner.URL}})

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	tab := browsertest.Start(t, ctx, browsertest.Options{})
	browsertest.Act(t, tab, chromedp.Navigate(partner.URL))
	frame := func() *chromedp.Node {
		t.Helper()
		nodes, err := chromedp.Run(tab, chromedp.Nodes(chromedp.CSS("#onair")))
		if err != nil || len(nodes) != 1 {
			t.Fatalf("the iframe: %v", err)
		}
		return nodes[0]
	}
	in := chromedp.FromNode(frame())
	browsertest.Act(t, tab, chromedp.WaitVisible(chromedp.CSS("form"), in),
		chromedp.SendKeys(chromedp.ID("f-email"), "framed@example.com", in),
		chromedp.SetValue(chromedp.CSS(`[id="f-fields.company"]`), "Acme", in))
	browsertest.Screenshot(t, tab, "pages-"+"embed-form")
	browsertest.Act(t, tab, chromedp.Click(chromedp.CSS("button[type=submit]"), in))
	// The frame navigates to the page after registering: its document is looked up again
	// until it shows, each look bounded.
	for attempt := 1; ; attempt++ {
		look, stop := context.WithTimeout(tab, 5*time.Second)
		err := chromedp.Do(look, chromedp.WaitVisible(chromedp.CSS(".registered"), chromedp.FromNode(frame())))
		stop()
		if err == nil {
			break
		}
		if attempt == 20 {
			t.Fatalf("the page after registering never showed in the frame: %v", err)
		}
	}
	if reg := registrantByEmail(t, h, "framed@example.com"); reg.UTMSource != "partner" {
		t.Fatalf("the embed lost the source: %+v", reg.Source)
	}
	browsertest.Screenshot(t, tab, "pages-"+"embed-registered")
}

func findRegistrant(t *testing.T, h *harness, email string) *store.Registrant {
	t.Helper()
	var regs []store.Registrant
	if err := h.db.NewSelect().Model(&regs).Where("email = ?", email).Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(regs) == 0 {
		return nil
	}
	return &regs[0]
}

func registrantByEmail(t *testing.T, h *harness, email string) *store.Registrant {
	t.Helper()
	reg := findRegistrant(t, h, email)
	if reg == nil {
		t.Fatalf("no registrant %s", email)
	}
	return reg
}
