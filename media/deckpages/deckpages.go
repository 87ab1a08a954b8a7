// Package deckpages serves the page images of slide decks (drawn at upload, kept in the
// store) to room pages, at URLs the room signs into its deck frames. A join token lives
// minutes while a session lasts hours, and an <img> sends no Authorization header: the URL
// itself, valid for one deck of one session for a few hours, is the credential.
package deckpages

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/store"
)

// Path is where the media node serves deck pages:
// Path + "{session}/{deck}/{expires}/{signature}/{page}".
const Path = "/deck-pages/"

// Validity is how long a signed URL lasts at least. Expiries are rounded up to the hour so a
// deck's URL, and the browser's cache of its pages, stay the same for an hour.
const Validity = 6 * time.Hour

// Params build a Server.
type Params struct {
	Secret []byte // the node's media secret; the signing key derives from it
	DB     bun.IDB
	Now    func() time.Time // nil: time.Now
	Logger *slog.Logger
}

// Server signs deck URLs and serves the pages they name.
type Server struct {
	key []byte
	db  bun.IDB
	now func() time.Time
	log *slog.Logger
}

// New is a Server for p.
func New(p Params) *Server {
	if p.Now == nil {
		p.Now = time.Now
	}
	if p.Logger == nil {
		p.Logger = slog.New(slog.DiscardHandler)
	}
	// A key of its own, so a deck URL can never stand in for a join token or the control key.
	m := hmac.New(sha256.New, p.Secret)
	m.Write([]byte("onair deck pages v1"))
	return &Server{key: m.Sum(nil), db: p.DB, now: p.Now, log: p.Logger}
}

// URL is the signed prefix of deck's page images in session: the page number (from 1)
// follows it.
func (s *Server) URL(session, deck string) string {
	expires := s.now().Add(Validity).Truncate(time.Hour).Add(time.Hour).Unix()
	return fmt.Sprintf("%s%s/%s/%d/%s/", Path, session, deck, expires, s.sign(session, deck, expires))
}

func (s *Server) sign(session, deck string, expires int64) string {
	m := hmac.New(sha256.New, s.key)
	fmt.Fprintf(m, "%s\n%s\n%d", session, deck, expires)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// Pattern is the ServeMux pattern of the pages.
const Pattern = "GET " + Path + "{session}/{deck}/{expires}/{signature}/{page}"

// ServeHTTP answers one page image: 403 for a bad or expired signature, 404 for a page the
// deck does not have (or a deck deleted since).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	session, deck := r.PathValue("session"), r.PathValue("deck")
	expires, err := strconv.ParseInt(r.PathValue("expires"), 10, 64)
	if err != nil || !hmac.Equal([]byte(r.PathValue("signature")), []byte(s.sign(session, deck, expires))) {
		http.Error(w, "this link to a slide is not valid", http.StatusForbidden)
		return
	}
	if !s.now().Before(time.Unix(expires, 0)) {
		http.Error(w, "this link to a slide has expired: reload the room", http.StatusForbidden)
		return
	}
	page, err := strconv.Atoi(r.PathValue("page"))
	if err != nil || page < 1 {
		http.Error(w, "no such page", http.StatusNotFound)
		return
	}
	img, err := store.DeckPageImage(r.Context(), s.db, session, deck, page)
	if errors.Is(err, store.ErrNotFound) {
		http.Error(w, "no such page", http.StatusNotFound)
		return
	}
	if err != nil {
		s.log.Error("deck page read failed", "session", session, "deck", deck, "page", page, "err", err)
		http.Error(w, "the slide could not be read; try again", http.StatusServiceUnavailable)
		return
	}
	h := w.Header()
	h.Set("Content-Type", img.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	// A page never changes (a new upload is a new deck); the signed URL bounds the caching.
	h.Set("Cache-Control", "private, max-age=3600, immutable")
	_, _ = w.Write(img.Image)
}
