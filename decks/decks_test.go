package decks_test

import (
	"bytes"
	"context"
	"errors"
	"image/jpeg"
	"testing"
	"time"

	"github.com/onairhq/onair/decks"
	"github.com/onairhq/onair/decks/decktest"
)

// Real poppler over PDFs written by decktest: a good deck becomes one bounded JPEG per page,
// each showing its own page; the refusals name what was wrong.
func TestDeckRenderWithPoppler(t *testing.T) {
	r := decks.NewRenderer(decks.Limits{MaxBytes: 1 << 20, MaxPages: 5, LongSide: 640, Timeout: time.Minute})
	ctx := context.Background()

	pages, err := r.Render(ctx, decktest.PDF(3))
	if err != nil {
		t.Fatalf("render a 3-page deck: %v", err)
	}
	if len(pages) != 3 {
		t.Fatalf("%d page images, want 3", len(pages))
	}
	for i, p := range pages {
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(p))
		if err != nil {
			t.Fatalf("page %d is not a JPEG: %v", i+1, err)
		}
		if cfg.Width != 640 || cfg.Height != 480 { // 400×300 pt scaled to a 640 px long side
			t.Errorf("page %d is %d×%d, want 640×480", i+1, cfg.Width, cfg.Height)
		}
	}
	if bytes.Equal(pages[0], pages[1]) {
		t.Error("pages 1 and 2 rendered the same image")
	}

	for _, tc := range []struct {
		name string
		pdf  []byte
		want error
	}{
		{"not a PDF", []byte("PK\x03\x04 a zip file, not slides"), decks.ErrNotPDF},
		{"a PDF header on garbage", []byte("%PDF-1.4\nnothing else"), decks.ErrNotPDF},
		{"encrypted", decktest.EncryptedPDF(2), decks.ErrEncrypted},
		{"too many pages", decktest.PDF(6), decks.ErrTooManyPages},
		{"too large", append([]byte("%PDF-1.4\n"), make([]byte, 1<<20)...), decks.ErrTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := r.Render(ctx, tc.pdf)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Render = %v, want %v", err, tc.want)
			}
		})
	}
}
