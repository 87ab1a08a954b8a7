package api_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"strings"
	"testing"
)

// TestLogoIsPublicForPagesAndEmails: pages and e-mails show the workspace's logo from an
// address anyone can load, by the workspace's slug; it was only behind an API key.
func TestLogoIsPublicForPagesAndEmails(t *testing.T) {
	h := sqliteHarness(t)
	owner := h.signup("Logo Corp")
	slug := h.must(http.StatusOK, "GET", "/v1/workspace", owner.Key, nil).field(t, "slug")
	h.must(http.StatusNotFound, "GET", "/brand/"+slug+"/logo", "", nil)

	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	img.Set(1, 1, color.RGBA{R: 200, A: 255})
	var logo bytes.Buffer
	if err := png.Encode(&logo, img); err != nil {
		t.Fatal(err)
	}
	h.must(http.StatusOK, "PUT", "/v1/workspace/logo", owner.Key, logo.Bytes(), "Content-Type", "image/png")
	r := h.must(http.StatusOK, "GET", "/brand/"+slug+"/logo", "", nil)
	if !bytes.Equal(r.Body, logo.Bytes()) || r.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("logo served as %q, %d bytes", r.Header.Get("Content-Type"), len(r.Body))
	}
	h.must(http.StatusNotFound, "GET", "/brand/no-such-workspace/logo", "", nil)
}

func TestPagesAssetsAreServed(t *testing.T) {
	h := sqliteHarness(t)
	css := h.must(http.StatusOK, "GET", "/assets/pages/pages.css", "", nil)
	if !strings.HasPrefix(css.Header.Get("Content-Type"), "text/css") || !bytes.Contains(css.Body, []byte("--brand")) {
		t.Fatalf("pages.css: %q", css.Header.Get("Content-Type"))
	}
	h.must(http.StatusOK, "GET", "/assets/pages/pages.js", "", nil)
	h.must(http.StatusNotFound, "GET", "/assets/pages/nothing.css", "", nil)
}

// TestEventLanguage: an event may be written in its own language; anything but a
// supported one (or empty, the workspace's) is refused naming the field.
func TestEventLanguage(t *testing.T) {
	h := sqliteHarness(t)
	owner := h.signup("Bilingual")
	ev := h.must(http.StatusCreated, "POST", "/v1/events", owner.Key, map[string]any{"title": "Lancement", "language": "fr"})
	if got := ev.field(t, "language"); got != "fr" {
		t.Fatalf("language %q", got)
	}
	id := ev.field(t, "id")
	wantProblem(t, h.call("PATCH", "/v1/events/"+id, owner.Key, map[string]any{"language": "klingon"}), http.StatusBadRequest, "language")
	wantProblem(t, h.call("POST", "/v1/events", owner.Key, map[string]any{"title": "x", "language": "de"}), http.StatusBadRequest, "language")
	if got := h.must(http.StatusOK, "PATCH", "/v1/events/"+id, owner.Key, map[string]any{"language": ""}).field(t, "language"); got != "" {
		t.Fatalf("language after clearing: %q", got)
	}
}
