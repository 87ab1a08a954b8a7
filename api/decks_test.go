package api_test

import (
	"bytes"
	"context"
	"image/jpeg"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/onairhq/onair/decks/decktest"
	"github.com/onairhq/onair/store"
)

// An organizer uploads slide decks to a session as a raw PDF and as a multipart form; real
// poppler draws every page as an image kept in the store. What is not a deck (not a PDF,
// encrypted, over the page or size limit, empty) is refused with a problem naming the file;
// a member with moderator rights may list decks but not upload or delete them.
func TestDeckUploadThroughTheAPI(t *testing.T) {
	h := sqliteHarness(t)
	owner := h.signup("Decks")
	h.must(http.StatusOK, "PUT", "/v1/billing/plan", owner.Key, map[string]any{"plan": "team", "seats": 1})
	h.must(http.StatusOK, "PATCH", "/v1/members/"+owner.MemberID, owner.Key, map[string]bool{"host_licence": true})
	ses := h.importSession(owner, nil)
	path := "/v1/sessions/" + ses + "/decks"

	var deck store.Deck
	h.must(http.StatusCreated, "POST", path+"?name=Quarterly%20review", owner.Key, decktest.PDF(3), "Content-Type", "application/pdf").json(t, &deck)
	if deck.Pages != 3 || deck.Name != "Quarterly review" || deck.SessionID != ses || !strings.HasPrefix(deck.ID, "dck_") {
		t.Fatalf("uploaded deck %+v", deck)
	}
	for page := 1; page <= 3; page++ {
		img, err := store.DeckPageImage(context.Background(), h.db, ses, deck.ID, page)
		if err != nil {
			t.Fatalf("page %d: %v", page, err)
		}
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(img.Image))
		if err != nil || cfg.Width != 1280 || img.ContentType != "image/jpeg" {
			t.Fatalf("page %d: %s %dx%d (%v), want a 1280 px wide JPEG", page, img.ContentType, cfg.Width, cfg.Height, err)
		}
	}

	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	part, err := mw.CreateFormFile("file", "Roadmap.pdf")
	if err != nil {
		t.Fatal(err)
	}
	part.Write(decktest.PDF(2))
	mw.Close()
	var second store.Deck
	h.must(http.StatusCreated, "POST", path, owner.Key, form.Bytes(), "Content-Type", mw.FormDataContentType()).json(t, &second)
	if second.Pages != 2 || second.Name != "Roadmap.pdf" {
		t.Fatalf("deck uploaded as a form %+v", second)
	}

	for _, tc := range []struct {
		name   string
		body   []byte
		status int
		detail string
	}{
		{"not a PDF", []byte("PK\x03\x04 this is a zip archive"), http.StatusUnprocessableEntity, "not a readable PDF"},
		{"encrypted", decktest.EncryptedPDF(2), http.StatusUnprocessableEntity, "encrypted"},
		{"too many pages", decktest.PDF(201), http.StatusUnprocessableEntity, "201 pages, at most 200"},
		{"too large", append(decktest.PDF(1), make([]byte, 20<<20)...), http.StatusUnprocessableEntity, "at most 20 MiB"},
		{"empty", []byte{}, http.StatusBadRequest, "empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := wantProblem(t, h.call("POST", path, owner.Key, tc.body, "Content-Type", "application/pdf"), tc.status, "file")
			if d, _ := p["detail"].(string); !strings.Contains(d, tc.detail) {
				t.Fatalf("detail %q, want it to say %q", d, tc.detail)
			}
		})
	}

	moderator := h.join(owner, "member", false, false) // no host licence on a seats plan
	p := wantProblem(t, h.call("POST", path, moderator.Key, decktest.PDF(1), "Content-Type", "application/pdf"), http.StatusForbidden, "")
	if p["action"] != "deck.manage" {
		t.Fatalf("refusal does not name the action: %v", p)
	}
	wantProblem(t, h.call("DELETE", path+"/"+deck.ID, moderator.Key, nil), http.StatusForbidden, "")

	var list struct{ Data []store.Deck }
	h.must(http.StatusOK, "GET", path, moderator.Key, nil).json(t, &list)
	if len(list.Data) != 2 || list.Data[0].ID != deck.ID || list.Data[1].ID != second.ID {
		t.Fatalf("decks listed %+v, want the two uploaded", list.Data)
	}
	h.must(http.StatusNoContent, "DELETE", path+"/"+deck.ID, owner.Key, nil)
	wantProblem(t, h.call("DELETE", path+"/"+deck.ID, owner.Key, nil), http.StatusNotFound, "")
	h.must(http.StatusOK, "GET", path, owner.Key, nil).json(t, &list)
	if len(list.Data) != 1 || list.Data[0].ID != second.ID {
		t.Fatalf("decks after the delete %+v", list.Data)
	}
	if _, err := store.DeckPageImage(context.Background(), h.db, ses, deck.ID, 1); err == nil {
		t.Fatal("the deleted deck's pages are still served")
	}
}
