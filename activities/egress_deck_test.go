package activities

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/onairhq/onair/media/recording"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

// The deck's wall-clock timeline lands on the recording's: a page up before the start counts
// from 0, one shown and replaced before the start is left out, a close ends the page, a
// page turned after the end is left out and the last page up runs to the end.
func TestCompositeDeckTimelineOnTheRecording(t *testing.T) {
	started := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	at := func(ms int64) time.Time { return started.Add(time.Duration(ms) * time.Millisecond) }
	shown := []store.DeckShown{
		{DeckID: "dck_a", Page: 1, At: at(-9000)}, // replaced before the start
		{DeckID: "dck_a", Page: 2, At: at(-3000)}, // still up at the start
		{DeckID: "dck_a", Page: 3, At: at(4000)},
		{At: at(6000)}, // closed
		{DeckID: "dck_b", Page: 1, At: at(8000)},
		{DeckID: "dck_b", Page: 2, At: at(12000)}, // after the end
	}
	got := deckOnRecording(shown, started, 10000)
	want := []deckPage{
		{DeckID: "dck_a", Page: 2, StartMS: 0, EndMS: 4000},
		{DeckID: "dck_a", Page: 3, StartMS: 4000, EndMS: 6000},
		{DeckID: "dck_b", Page: 1, StartMS: 8000, EndMS: 10000},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("page %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
	if got := deckOnRecording(shown[len(shown)-1:], started, 10000); len(got) != 0 {
		t.Errorf("a deck shown only after the end gave %+v", got)
	}
	if got := deckOnRecording([]store.DeckShown{{DeckID: "dck_a", Page: 1, At: at(2000)}}, started, 10000); len(got) != 1 ||
		got[0] != (deckPage{DeckID: "dck_a", Page: 1, StartMS: 2000, EndMS: 10000}) {
		t.Errorf("a deck left open gave %+v, want it up to the end", got)
	}
}

// The stills read from the store: each page shown once on disk however often it was shown,
// its bytes as uploaded, and a page of a deck deleted since left out.
func TestCompositeDeckStillsFromTheStore(t *testing.T) {
	ctx := context.Background()
	db := storetest.SQLite(t)
	started := time.Now().UTC().Truncate(time.Millisecond)
	deck := &store.Deck{ID: store.NewID("dck"), WorkspaceID: "ws_1", SessionID: "ses_1", Name: "slides.pdf", Bytes: 1, CreatedBy: "usr_1", CreatedAt: started}
	pages := [][]byte{[]byte("page one"), []byte("page two")}
	if err := store.InsertDeck(ctx, db, deck, "image/jpeg", pages); err != nil {
		t.Fatal(err)
	}
	show := func(ms int64, deckID, page string) {
		ev := &store.RoomEvent{ID: store.NewID("rev"), WorkspaceID: "ws_1", SessionID: "ses_1", Kind: store.RoomEventDeckPage,
			Data: map[string]string{"deck": deckID, "page": page}, CreatedAt: started.Add(time.Duration(ms) * time.Millisecond)}
		if err := store.Insert(ctx, db, ev); err != nil {
			t.Fatal(err)
		}
	}
	show(1000, deck.ID, "1")
	show(2000, deck.ID, "2")
	show(3000, deck.ID, "1")
	show(4000, "dck_gone", "1")
	stopped := started.Add(5 * time.Second)
	rec := recording.Recorded{Manifest: &recording.Manifest{StartedAt: started, StoppedAt: &stopped}, Span: 5 * time.Second}
	e := &Egress{DB: db, Log: slog.New(slog.DiscardHandler)}
	stills, remove, err := e.deckStills(ctx, "ses_1", rec)
	if err != nil {
		t.Fatal(err)
	}
	if len(stills) != 3 || stills[0].Image != stills[2].Image || stills[0].Image == stills[1].Image ||
		stills[0].StartMS != 1000 || stills[1].EndMS != 3000 || stills[2].EndMS != 4000 {
		t.Fatalf("stills %+v, want page 1, 2, 1 (the same file twice) from 1 s to 4 s", stills)
	}
	for i, want := range [][]byte{pages[0], pages[1]} {
		if b, err := os.ReadFile(stills[i].Image); err != nil || !bytes.Equal(b, want) {
			t.Errorf("still %d holds %q, %v; want %q", i, b, err, want)
		}
	}
	remove()
	if _, err := os.Stat(stills[0].Image); !os.IsNotExist(err) {
		t.Errorf("the pages are still on disk after remove: %v", err)
	}
}
