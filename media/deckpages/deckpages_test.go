package deckpages_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/mediatest"
	"github.com/onairhq/onair/media/wire"
	"github.com/onairhq/onair/store"
)

// A deck frame's URL serves the deck's pages from the media node, to anyone in the room and
// for hours; a URL altered in any part, or past its expiry, serves nothing.
func TestDeckPagesServedAtSignedURLs(t *testing.T) {
	n := mediatest.StartNode(t)
	const ses = "ses_deck_pages"
	d := &store.Deck{ID: store.NewID("dck"), WorkspaceID: mediatest.TestWorkspace, SessionID: ses, Name: "Slides.pdf", CreatedBy: "usr", CreatedAt: store.Now()}
	if err := store.InsertDeck(context.Background(), n.DB, d, "image/jpeg", [][]byte{[]byte("page one"), []byte("page two")}); err != nil {
		t.Fatal(err)
	}
	n.Rooms.Open(ses)
	host := n.Join(t, ses, "host", authz.SessionHost)
	viewer := n.Join(t, ses, "viewer", authz.SessionParticipant)
	host.SendRoom(wire.FrameDeckOpen, wire.RoomFields{ID: d.ID})
	v := viewer.Expect(wire.FrameDeck).Deck
	if v == nil || !strings.HasPrefix(v.URL, "/deck-pages/"+ses+"/"+d.ID+"/") {
		t.Fatalf("deck frame %+v has no signed URL of the deck's pages", v)
	}

	get := func(path string) (int, []byte, http.Header) {
		t.Helper()
		res, err := http.Get(n.Server.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, body, res.Header
	}
	status, body, h := get(v.URL + "2")
	if status != http.StatusOK || !bytes.Equal(body, []byte("page two")) || h.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("page 2: %d %q (%s)", status, body, h.Get("Content-Type"))
	}
	if status, _, _ := get(v.URL + "3"); status != http.StatusNotFound {
		t.Errorf("page 3 of a 2-page deck: %d, want 404", status)
	}
	other := strings.Replace(v.URL, ses, "ses_other", 1)
	sig := v.URL[:len(v.URL)-3] + "xyz/" // the signature's last characters changed
	for name, path := range map[string]string{"another session": other + "1", "a forged signature": sig + "1"} {
		if status, _, _ := get(path); status != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", name, status)
		}
	}

	n.Clock.Advance(7*time.Hour + time.Minute) // past any expiry URL signed before
	if status, _, _ := get(v.URL + "1"); status != http.StatusForbidden {
		t.Errorf("an expired URL: %d, want 403", status)
	}
	fresh := n.Join(t, ses, "late", authz.SessionParticipant).Joined.Deck
	if status, body, _ := get(fresh.URL + "1"); status != http.StatusOK || string(body) != "page one" {
		t.Errorf("a late joiner's fresh URL: %d %q", status, body)
	}
}
