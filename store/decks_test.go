package store_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

// A deck's pages go in and come back by session, another session's deck is not found, a
// delete takes the pages along; the deck timeline lists the pages shown and the closes, in
// order, and nothing of other room events or sessions.
func TestDeckStoreAndTimeline(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		d := &store.Deck{ID: store.NewID("dck"), WorkspaceID: "ws", SessionID: "ses", Name: "Q3.pdf", Bytes: 1234, CreatedBy: "usr", CreatedAt: store.Now()}
		must(store.InsertDeck(ctx, db, d, "image/jpeg", [][]byte{[]byte("one"), []byte("two")}))
		if d.Pages != 2 {
			t.Fatalf("deck pages %d, want 2", d.Pages)
		}
		p, err := store.DeckPageImage(ctx, db, "ses", d.ID, 2)
		must(err)
		if !bytes.Equal(p.Image, []byte("two")) || p.ContentType != "image/jpeg" {
			t.Fatalf("page 2 = %q (%s)", p.Image, p.ContentType)
		}
		if _, err := store.DeckOfSession(ctx, db, "ses_other", d.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another session's deck: %v, want not found", err)
		}
		list, err := store.DecksOfSession(ctx, db, "ses")
		must(err)
		if len(list) != 1 || list[0].Name != "Q3.pdf" {
			t.Fatalf("decks of the session %+v", list)
		}

		at := store.Now()
		event := func(session, kind string, data map[string]string, after time.Duration) {
			must(store.Insert(ctx, db, &store.RoomEvent{ID: store.NewID("rev"), WorkspaceID: "ws", SessionID: session, Kind: kind,
				ActorID: "host", Data: data, CreatedAt: at.Add(after)}))
		}
		event("ses", store.RoomEventDeckPage, map[string]string{"deck": d.ID, "page": "1", "pages": "2"}, 0)
		event("ses", store.RoomEventCTA, map[string]string{"text": "buy"}, time.Second)
		event("ses", store.RoomEventDeckPage, map[string]string{"deck": d.ID, "page": "2", "pages": "2"}, 2*time.Second)
		event("ses_other", store.RoomEventDeckPage, map[string]string{"deck": "dck_x", "page": "9"}, 3*time.Second)
		event("ses", store.RoomEventDeckClose, nil, 4*time.Second)
		got, err := store.DeckTimeline(ctx, db, "ses")
		must(err)
		want := []store.DeckShown{{d.ID, 1, at}, {d.ID, 2, at.Add(2 * time.Second)}, {"", 0, at.Add(4 * time.Second)}}
		if len(got) != len(want) {
			t.Fatalf("timeline %+v, want %+v", got, want)
		}
		for i := range want {
			if got[i].DeckID != want[i].DeckID || got[i].Page != want[i].Page || !got[i].At.Equal(want[i].At) {
				t.Errorf("timeline[%d] = %+v, want %+v", i, got[i], want[i])
			}
		}

		if err := store.DeleteDeck(ctx, db, "ws_other", "ses", d.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("delete from another workspace: %v, want not found", err)
		}
		must(store.DeleteDeck(ctx, db, "ws", "ses", d.ID))
		if n := storetest.Count(t, db, (*store.DeckPage)(nil), "deck_id = ?", d.ID); n != 0 {
			t.Fatalf("%d pages left after the delete", n)
		}
	})
}
