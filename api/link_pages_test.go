package api_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/onairhq/onair/media/jointoken"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

// getIn GETs path as a browser whose Accept-Language is acceptLanguage would, without
// following redirects.
func (h *harness) getIn(path, acceptLanguage string) reply {
	h.t.Helper()
	req, err := http.NewRequest(http.MethodGet, h.srv.URL+path, nil)
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Accept-Language", acceptLanguage)
	client := *h.srv.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := client.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return reply{Status: res.StatusCode, Header: res.Header, Body: body}
}

// The pages a personal link shows, in the event's language (French here, whatever the
// browser prefers), else the workspace's or the browser's, in the workspace's brand: not
// approved, the redirect to a French room page with the event's title and start in the
// token, the session over pointing to its replay, the replay page itself (a <video> that
// plays without JavaScript), blocked, cancelled; an unknown link in the browser's language.
func TestLinkPagesSpeakTheEventsLanguageInTheWorkspacesBrand(t *testing.T) {
	db := storetest.SQLite(t)
	node := startMediaNode(t, db)
	h := newHarnessOn(t, db, node)
	ctx := context.Background()
	owner := h.signup("Atelier Lumière")
	ws, err := store.GetWorkspace(ctx, db, owner.WorkspaceID)
	if err != nil {
		t.Fatal(err)
	}
	ws.Settings.BrandColor, ws.Logo, ws.LogoType = "#c2410c", []byte("\x89PNG fake"), "image/png"
	if err := store.TouchWorkspace(ctx, db, ws, "settings", "logo", "logo_type"); err != nil {
		t.Fatal(err)
	}
	ev := h.must(http.StatusCreated, "POST", "/v1/events", owner.Key, map[string]any{"title": "Lancement du produit",
		"language": "fr", "settings": map[string]any{"approval": true}}).field(t, "id")
	h.must(http.StatusOK, "POST", "/v1/events/"+ev+"/publish", owner.Key, nil)
	starts := time.Date(2030, 3, 6, 14, 30, 0, 0, time.UTC) // 15:30 in Paris
	ses := h.must(http.StatusCreated, "POST", "/v1/events/"+ev+"/sessions", owner.Key,
		map[string]any{"starts_at": starts.Format(time.RFC3339), "duration_minutes": 20, "timezone": "Europe/Paris"}).field(t, "id")
	reg := h.must(http.StatusCreated, "POST", "/v1/public/sessions/"+ses+"/registrations", "", map[string]any{"email": email("ann"), "name": "Ann"}).field(t, "id")
	secret := joinTokenOf[store.Registrant](t, h, reg)
	brand := []string{"--brand:#c2410c", `src="http://onair.test/brand/` + ws.Slug + `/logo"`, "Atelier Lumière"}
	when := "mercredi 6 mars 2030 à 15:30 (CET)"

	r := h.getIn("/join/"+secret, "en-US,en;q=0.9")
	wantPage(t, r, http.StatusForbidden, "fr", append(brand, "Votre inscription n’est pas validée", "Lancement du produit", when)...)
	r = h.getIn("/replay/"+secret, "en-US")
	wantPage(t, r, http.StatusForbidden, "fr", "Le replay est réservé aux inscriptions validées.")

	h.must(http.StatusOK, "POST", "/v1/registrants/"+reg+"/approve", owner.Key, nil)
	r = h.getIn("/join/"+secret, "en-US")
	page, fragment, _ := strings.Cut(r.Header.Get("Location"), "#")
	if r.Status != http.StatusSeeOther || !strings.HasSuffix(page, "/room/?lang=fr") {
		t.Fatalf("approved: %d to %q, want a redirect to the French room page", r.Status, page)
	}
	params, _ := url.ParseQuery(fragment)
	claims, err := jointoken.Verify(node.secret, params.Get("token"), ses, time.Now())
	if err != nil || claims.Page == nil {
		t.Fatalf("claims %+v, err %v", claims, err)
	}
	if p := *claims.Page; p.Title != "Lancement du produit" || p.When != when || p.StartsAt != starts.Unix() ||
		p.Timezone != "Europe/Paris" || p.BrandColor != "#c2410c" || p.LogoURL != "http://onair.test/brand/"+ws.Slug+"/logo" || p.Organization != "Atelier Lumière" {
		t.Fatalf("the room page would show %+v", p)
	}

	// Over, without a replay yet; then with one: the page points to it.
	if _, err := db.NewUpdate().Model((*store.Session)(nil)).Set("status = ?", store.SessionEnded).Where("id = ?", ses).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	r = h.getIn("/join/"+secret, "en")
	wantPage(t, r, http.StatusGone, "fr", "Cette session est terminée", "Merci de votre intérêt")
	r = h.getIn("/replay/"+secret, "en")
	wantPage(t, r, http.StatusNotFound, "fr", "Aucun replay ici")
	now := time.Now()
	if _, err := db.NewInsert().Model(&store.Recording{ID: store.NewID("rec"), WorkspaceID: owner.WorkspaceID, SessionID: ses,
		Status: store.RecordingReady, DurationMS: 44*60_000 + 50_000, ReadyAt: &now, CreatedAt: now, UpdatedAt: now}).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	r = h.getIn("/join/"+secret, "en")
	wantPage(t, r, http.StatusGone, "fr", "son replay est prêt",
		`href="http://onair.test/replay/`+secret+`">Voir le replay</a>`)
	r = h.getIn("/replay/"+secret, "en")
	wantPage(t, r, http.StatusOK, "fr", append(brand, `<h1 id="replay-title">Lancement du produit</h1>`, when,
		`<source src="/replay/`+secret+`/video" type="video/webm">`, "Durée : 45 minutes",
		`download="Lancement du produit.webm">Télécharger la vidéo (WebM)</a>`)...)
	// The composite replay: HLS first, the MP4 for browsers without it.
	if _, err := db.NewUpdate().Model((*store.Recording)(nil)).Set("file = ?", "/recordings/"+ses+"/replay/replay.mp4").
		Where("session_id = ?", ses).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	r = h.getIn("/replay/"+secret, "en")
	wantPage(t, r, http.StatusOK, "fr", `<source src="/replay/`+secret+`/hls/index.m3u8" type="application/vnd.apple.mpegurl">
<source src="/replay/`+secret+`/video" type="video/mp4">`, `download="Lancement du produit.mp4">Télécharger la vidéo (MP4)</a>`)
	if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "media-src 'self'") || strings.Contains(csp, "unsafe") {
		t.Errorf("replay page CSP %q", csp)
	}

	// The event follows the workspace's language again (English): the same pages in English.
	if _, err := db.NewUpdate().Model((*store.Event)(nil)).Set("language = ''").Where("id = ?", ev).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	r = h.getIn("/replay/"+secret, "fr")
	wantPage(t, r, http.StatusOK, "en", "Wednesday, 6 March 2030 at 3:30 PM CET", "Length: 45 minutes", "Download the video")
	r = h.getIn("/join/"+secret, "fr")
	wantPage(t, r, http.StatusGone, "en", "This session is over", ">Watch the replay</a>")

	if _, err := db.NewUpdate().Model((*store.Session)(nil)).Set("status = ?", store.SessionCancelled).Where("id = ?", ses).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	r = h.getIn("/join/"+secret, "fr")
	wantPage(t, r, http.StatusGone, "en", "This session was cancelled")
	if _, err := db.NewUpdate().Model((*store.Registrant)(nil)).Set("status = ?", store.RegistrantBlocked).Where("id = ?", reg).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	r = h.getIn("/join/"+secret, "fr")
	wantPage(t, r, http.StatusForbidden, "en", "The organizers have removed you")

	// A link that matches nothing says so in the browser's language, unbranded.
	r = h.getIn("/join/join_nobody", "fr-FR,fr;q=0.9")
	wantPage(t, r, http.StatusNotFound, "fr", "Ce lien d’accès n’est pas valide")
	r = h.getIn("/join/join_nobody", "en-GB")
	wantPage(t, r, http.StatusNotFound, "en", "This join link is not valid")
	r = h.getIn("/replay/join_nobody", "fr")
	wantPage(t, r, http.StatusNotFound, "fr", "Aucun replay ici")
}
