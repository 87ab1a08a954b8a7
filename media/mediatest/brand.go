package mediatest

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// startBrandServer stands in for the API's public logo route (/brand/<slug>/logo), whose
// origin the node's room page may load images from: every workspace's logo is a small
// orange PNG.
func startBrandServer(t *testing.T) *httptest.Server {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 96, 32))
	for x := range 96 {
		for y := range 32 {
			img.Set(x, y, color.RGBA{R: 0xf0, G: 0x8c, B: 0x00, A: 0xff})
		}
	}
	var logo bytes.Buffer
	if err := png.Encode(&logo, img); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/brand/") || !strings.HasSuffix(r.URL.Path, "/logo") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write(logo.Bytes())
	}))
	t.Cleanup(srv.Close)
	return srv
}
