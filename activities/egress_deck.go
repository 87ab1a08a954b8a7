package activities

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/media/composite"
	"github.com/onairhq/onair/media/recording"
	"github.com/onairhq/onair/store"
)

// deckPage is one page of a deck on the recording's timeline: up from StartMS to EndMS,
// ms after the recording's start.
type deckPage struct {
	DeckID         string
	Page           int
	StartMS, EndMS int64
}

// deckOnRecording places the room's deck timeline (store.DeckTimeline, wall clock) on a
// recording that started at started and lasted spanMS: each page is up from its change to
// the next change (or the recording's end), clamped to [0, spanMS]. A page shown before the
// recording started and still up then counts from 0; what was shown after the end, or
// only before the start, and the stretches with the deck closed are left out.
func deckOnRecording(shown []store.DeckShown, started time.Time, spanMS int64) []deckPage {
	var out []deckPage
	for i, s := range shown {
		if s.DeckID == "" {
			continue
		}
		end := spanMS
		if i+1 < len(shown) {
			end = min(shown[i+1].At.Sub(started).Milliseconds(), spanMS)
		}
		start := max(s.At.Sub(started).Milliseconds(), 0)
		if end > start {
			out = append(out, deckPage{DeckID: s.DeckID, Page: s.Page, StartMS: start, EndMS: end})
		}
	}
	return out
}

// deckStills reads the deck pages the room showed while the session was recorded and writes
// each needed page image once into a folder of the worker's own (not the shared recordings
// volume, which holds recordings only), for the composite. remove deletes that folder; a
// worker killed before calling it leaves it in its temporary directory, which goes with
// the worker's container. A page whose deck was deleted since is left out of the replay.
func (e *Egress) deckStills(ctx context.Context, sessionID string, rec recording.Recorded) (stills []composite.Still, remove func(), err error) {
	remove = func() {}
	shown, err := store.DeckTimeline(ctx, e.DB, sessionID)
	if err != nil {
		return nil, remove, err
	}
	pages := deckOnRecording(shown, rec.Manifest.StartedAt, rec.Span.Milliseconds())
	if len(pages) == 0 {
		return nil, remove, nil
	}
	dir, err := os.MkdirTemp("", "onair-deck-")
	if err != nil {
		return nil, remove, fmt.Errorf("deck pages of %s: %w", sessionID, err)
	}
	remove = func() { _ = os.RemoveAll(dir) }
	files := map[[2]string]string{} // deck, page → image file; "" for a page gone
	for _, p := range pages {
		key := [2]string{p.DeckID, strconv.Itoa(p.Page)}
		file, ok := files[key]
		if !ok {
			file, err = writeDeckPage(ctx, e.DB, filepath.Join(dir, "page"+strconv.Itoa(len(files))), sessionID, p)
			if err != nil {
				remove()
				return nil, func() {}, err
			}
			if file == "" {
				e.Log.Warn("a deck page shown while recording is gone: left out of the replay", "session", sessionID, "deck", p.DeckID, "page", p.Page)
			}
			files[key] = file
		}
		if file != "" {
			stills = append(stills, composite.Still{Image: file, StartMS: p.StartMS, EndMS: p.EndMS})
		}
	}
	return stills, remove, nil
}

// writeDeckPage writes page p's image to name (plus its type's extension), or returns ""
// when its deck was deleted.
func writeDeckPage(ctx context.Context, db bun.IDB, name, sessionID string, p deckPage) (string, error) {
	img, err := store.DeckPageImage(ctx, db, sessionID, p.DeckID, p.Page)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	ext := ".jpg"
	if img.ContentType == "image/png" {
		ext = ".png"
	}
	file := name + ext
	if err := os.WriteFile(file, img.Image, 0o600); err != nil {
		return "", fmt.Errorf("deck page %d of %s: %w", p.Page, p.DeckID, err)
	}
	return file, nil
}
