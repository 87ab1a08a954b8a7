package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/decks"
	"github.com/onairhq/onair/store"
)

// maxDeckName is the longest deck name kept (from ?name= or the uploaded file's name).
const maxDeckName = 200

// multipartOverhead is what a multipart envelope may add around the PDF it carries.
const multipartOverhead = 64 << 10

// deckRoutes are a session's slide decks: uploaded as PDF, drawn once as page images that
// the media node shows in the room (media/decks), listed, deleted.
func (s *decksAPI) deckRoutes() {
	l := s.renderer.Limits()
	s.add(route{Method: http.MethodPost, Path: "/v1/sessions/:id/decks", Tag: "live room", Action: authz.DeckManage,
		Summary: fmt.Sprintf("Upload a slide deck: a PDF (the raw body, or the \"file\" part of a multipart form; ?name= names it) of at most %d MiB and %d pages, "+
			"not encrypted; its pages are drawn once as %d px images (422 for anything else)", l.MaxBytes>>20, l.MaxPages, l.LongSide),
		Raw: "application/pdf", RawAlt: []string{"multipart/form-data"}, Query: []param{{Name: "name", Description: "the deck's name (the file's name by default)"}},
		Response: store.Deck{}, Status: http.StatusCreated, Handler: s.uploadDeck})
	s.add(route{Method: http.MethodGet, Path: "/v1/sessions/:id/decks", Tag: "live room", Action: authz.WorkspaceView,
		Summary: "The session's slide decks, oldest first (all of them: a session has a few)", Response: listPage[store.Deck]{}, Handler: s.listDecks})
	s.add(route{Method: http.MethodDelete, Path: "/v1/sessions/:id/decks/:deck_id", Tag: "live room", Action: authz.DeckManage,
		Summary: "Delete a slide deck and its page images", Status: http.StatusNoContent, Handler: s.deleteDeck})
}

func (s *decksAPI) listDecks(c *gin.Context) {
	ses, err := s.sessionOf(c)
	if err != nil {
		fail(c, err)
		return
	}
	list, err := store.DecksOfSession(c.Request.Context(), s.db, ses.ID)
	if err != nil {
		fail(c, err)
		return
	}
	respondPage(c, list, "")
}

func (s *decksAPI) uploadDeck(c *gin.Context) {
	ses, err := s.sessionOf(c)
	if err != nil {
		fail(c, err)
		return
	}
	auditObject(c, "session", ses.ID)
	if ses.Closed() {
		fail(c, conflict("the session is "+ses.Status+": it takes no new decks"))
		return
	}
	pdf, filename, err := s.readPDF(c)
	if err != nil {
		fail(c, err)
		return
	}
	name, err := deckName(c.Query("name"), filename)
	if err != nil {
		fail(c, err)
		return
	}
	ctx := c.Request.Context()
	images, err := s.renderer.Render(ctx, pdf)
	if err != nil {
		fail(c, s.renderProblem(ses, err))
		return
	}
	p := caller(c)
	d := &store.Deck{ID: store.NewID("dck"), WorkspaceID: ses.WorkspaceID, SessionID: ses.ID, Name: name,
		Bytes: int64(len(pdf)), CreatedBy: p.Member.UserID, CreatedAt: store.Now()}
	if err := store.InsertDeck(ctx, s.db, d, decks.ContentType, images); err != nil {
		fail(c, err)
		return
	}
	auditObject(c, "deck", d.ID)
	s.log.InfoContext(ctx, "deck uploaded", "workspace", ses.WorkspaceID, "session", ses.ID, "deck", d.ID, "pages", d.Pages, "bytes", d.Bytes)
	c.JSON(http.StatusCreated, d)
}

// readPDF reads the upload: the raw body, or the "file" part of a multipart form, with the
// file name the form gave. More than the size limit is a 422, like every other refusal of
// the file itself.
func (s *decksAPI) readPDF(c *gin.Context) ([]byte, string, error) {
	limit := s.renderer.Limits().MaxBytes
	tooLarge := unprocessable("file", fmt.Sprintf("%v: at most %d MiB", decks.ErrTooLarge, limit>>20))
	mediaType, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	var body io.Reader = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	filename := ""
	if mediaType == "multipart/form-data" {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit+multipartOverhead)
		form, err := c.Request.MultipartReader()
		if err != nil {
			return nil, "", badInput("file", "the multipart form could not be read")
		}
		for {
			part, err := form.NextPart()
			if errors.Is(err, io.EOF) {
				return nil, "", badInput("file", "the form has no \"file\" part: send the PDF in it")
			}
			var big *http.MaxBytesError
			if errors.As(err, &big) {
				return nil, "", tooLarge
			}
			if err != nil {
				return nil, "", badInput("file", "the multipart form could not be read")
			}
			if part.FormName() == "file" {
				body, filename = part, part.FileName()
				break
			}
		}
	}
	data, err := io.ReadAll(io.LimitReader(body, limit+1))
	var big *http.MaxBytesError
	switch {
	case errors.As(err, &big), int64(len(data)) > limit:
		return nil, "", tooLarge
	case err != nil:
		return nil, "", badInput("file", "the file could not be read")
	case len(data) == 0:
		return nil, "", badInput("file", "the body is empty: send the PDF")
	}
	return data, filename, nil
}

// deckName is what the deck is called in the room: ?name=, else the uploaded file's name.
func deckName(query, filename string) (string, error) {
	name := strings.TrimSpace(query)
	field := "name"
	if name == "" {
		name, field = strings.TrimSpace(filename), "file"
	}
	if name == "" {
		return "Slides", nil
	}
	if !utf8.ValidString(name) || utf8.RuneCountInString(name) > maxDeckName || strings.ContainsFunc(name, unicode.IsControl) {
		return "", badInput(field, fmt.Sprintf("the deck's name must be text of at most %d characters", maxDeckName))
	}
	return name, nil
}

// renderProblem says why an upload was refused: the file (422), or our side (503).
func (s *decksAPI) renderProblem(ses *store.Session, err error) error {
	for _, refusal := range []error{decks.ErrNotPDF, decks.ErrEncrypted, decks.ErrTooLarge, decks.ErrTooManyPages, decks.ErrTooSlow} {
		if errors.Is(err, refusal) {
			return unprocessable("file", err.Error())
		}
	}
	if errors.Is(err, context.Canceled) {
		return badInput("file", "the upload was interrupted")
	}
	s.log.Error("deck not rendered", "workspace", ses.WorkspaceID, "session", ses.ID, "err", err)
	return problem(http.StatusServiceUnavailable, "unavailable", "Try again later", "the deck could not be drawn on this server")
}

func (s *decksAPI) deleteDeck(c *gin.Context) {
	ses, err := s.sessionOf(c)
	if err != nil {
		fail(c, err)
		return
	}
	id := c.Param("deck_id")
	auditObject(c, "deck", id)
	if !store.IsID(id) {
		fail(c, notFound("deck"))
		return
	}
	if err := store.DeleteDeck(c.Request.Context(), s.db, ses.WorkspaceID, ses.ID, id); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
