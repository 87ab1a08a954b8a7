package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/onairhq/onair/store"
)

// The hosted pages in real Chromium: registering through /e/<slug> with custom fields, in
// French and in English, with JavaScript on and off, at desktop and phone widths; the errors
// of a bad form; cancelling through the cancel link; the embed framed by a page of another
// origin. The set-up is media/roompage's (headless, no sandbox, a fresh profile).

// pagesBrowser starts headless Chromium at a window size, with JavaScript on or off.
func pagesBrowser(t *testing.T, ctx context.Context, width, height int, script bool) context.Context {
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
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.WindowSize(width, height),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
	}
	if !script {
		opts = append(opts, chromedp.Flag("blink-settings", "scriptEnabled=false"))
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancelBrowser(); cancelAlloc() })
	if err := chromedp.Do(browser, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return browser
}

// pageAwait polls a JavaScript condition (evaluated by DevTools, so also with the page's
// scripts off) until it holds, bounded by the test's context.
// A poll that the page's navigation (a form sent) interrupts is started again on the new page.
func pageAwait(t *testing.T, tab context.Context, what, condition string) {
	t.Helper()
	for {
		_, err := chromedp.Run(tab, chromedp.Poll[chromedp.Void](condition, chromedp.WithPollingInterval(100*time.Millisecond)))
		if err == nil {
			return
		}
		if tab.Err() == nil && navigated(err) {
			continue
		}
		body, _ := chromedp.Run(tab, chromedp.Evaluate[string](`document.body ? document.body.innerText : ''`))
		t.Fatalf("waiting for %s: %v (page says: %s)", what, err, body)
	}
}

// navigated reports an evaluation cut short by the page going away.
func navigated(err error) bool {
	for _, s := range []string{"navigated or closed", "context was destroyed", "Cannot find context"} {
		if strings.Contains(err.Error(), s) {
			return true
		}
	}
	return false
}

func pageAct(t *testing.T, tab context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(tab, steps...); err != nil {
		t.Fatal(err)
	}
}

// pageScreenshot writes the page to ONAIR_SCREENSHOTS when set, else to a temporary directory.
func pageScreenshot(t *testing.T, tab context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := os.Getenv("ONAIR_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	path := filepath.Join(dir, "pages-"+name+".png")
	if err := os.WriteFile(path, png, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s: %s", name, path)
}

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
			tab := pagesBrowser(t, ctx, width, height, tc.script)
			w := words[tc.lang]

			if tc.phone {
				pageAct(t, tab, chromedp.EmulateViewport(int64(width), int64(height), chromedp.EmulateMobile))
			}
			pageAct(t, tab, chromedp.Navigate(h.srv.URL+"/e/"+e.slug+"?utm_source=chromium&lang="+tc.lang), chromedp.WaitVisible(chromedp.CSS("#register form")))
			pageAwait(t, tab, "the page loaded", `document.readyState === 'complete'`)
			local := `document.querySelector('.local-time') !== null`
			if tc.script {
				pageAwait(t, tab, "the visitor's local time", local)
			} else if shown, err := chromedp.Run(tab, chromedp.Evaluate[bool](local)); err != nil || shown {
				t.Fatalf("scripts are off, yet the local time shows (%v)", err)
			}
			if tc.phone {
				pageAwait(t, tab, "a phone-wide page without sideways scrolling", `document.documentElement.scrollWidth <= window.innerWidth`)
			}

			// A bad form: nothing filled in but an unknown answer.
			pageAct(t, tab, chromedp.Click(chromedp.CSS(`#register button[type=submit]`)))
			pageAwait(t, tab, "the errors beside the fields", fmt.Sprintf(`document.querySelectorAll('[aria-invalid=true]').length >= 3 &&
				document.getElementById('error-email').textContent === %q && document.getElementById('error-fields.company') !== null`, w.required))
			pageScreenshot(t, tab, tc.name+"-errors")

			email := tc.name + "@example.com"
			pageAct(t, tab,
				chromedp.SendKeys(chromedp.ID("f-email"), email),
				chromedp.SendKeys(chromedp.ID("f-name"), "Zoé Chromium"),
				chromedp.SetValue(chromedp.CSS(`[id="f-fields.company"]`), "Globex"),
				chromedp.SendKeys(chromedp.CSS(`[id="f-fields.role"]`), "Designer"),
				chromedp.Click(chromedp.ID("f-consent")),
				chromedp.Click(chromedp.CSS(`#register input[name=session]:not(:checked)`)),
				chromedp.Click(chromedp.CSS(`#register button[type=submit]`)),
			)
			pageAwait(t, tab, "the page after registering", fmt.Sprintf(`document.querySelector('.registered h1') !== null &&
				document.querySelector('.registered h1').textContent === %q && document.body.innerText.includes(%q)`, w.registered, email))
			pageScreenshot(t, tab, tc.name+"-registered")

			reg := registrantByEmail(t, h, email)
			if reg.Fields["company"] != "Globex" || reg.Fields["role"] != "Designer" || reg.UTMSource != "chromium" || reg.ConsentedAt == nil || reg.SessionID == e.ses {
				t.Fatalf("registered %+v", reg)
			}

			link := h.srv.URL + "/cancel/" + testLinkKey.Secret(store.LinkCancel, reg.ID, reg.LinkVersion) + "?lang=" + tc.lang
			pageAct(t, tab, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.ID("confirm-cancel")))
			pageScreenshot(t, tab, tc.name+"-cancel")
			if got := registrantByEmail(t, h, email).Status; got != store.RegistrantApproved {
				t.Fatalf("opening the cancel link made the registration %s", got)
			}
			pageAct(t, tab, chromedp.Click(chromedp.ID("confirm-cancel")))
			pageAwait(t, tab, "the cancelled page", fmt.Sprintf(`document.querySelector('h1') && document.querySelector('h1').textContent === %q`, w.cancelled))
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
	tab := pagesBrowser(t, ctx, 1280, 900, true)
	pageAct(t, tab, chromedp.Navigate(partner.URL))
	frame := func() *chromedp.Node {
		t.Helper()
		nodes, err := chromedp.Run(tab, chromedp.Nodes(chromedp.CSS("#onair")))
		if err != nil || len(nodes) != 1 {
			t.Fatalf("the iframe: %v", err)
		}
		return nodes[0]
	}
	in := chromedp.FromNode(frame())
	pageAct(t, tab, chromedp.WaitVisible(chromedp.CSS("form"), in),
		chromedp.SendKeys(chromedp.ID("f-email"), "framed@example.com", in),
		chromedp.SetValue(chromedp.CSS(`[id="f-fields.company"]`), "Acme", in))
	pageScreenshot(t, tab, "embed-form")
	pageAct(t, tab, chromedp.Click(chromedp.CSS("button[type=submit]"), in))
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
	pageScreenshot(t, tab, "embed-registered")
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
