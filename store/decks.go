package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/uptrace/bun"
)

// Deck is a slide deck uploaded for a session: its pages were drawn once as images
// (DeckPage), which a host or speaker shows in the live room.
type Deck struct {
	bun.BaseModel `bun:"table:decks"`

	ID          string    `bun:",pk" json:"id"`
	WorkspaceID string    `bun:",notnull" json:"-"`
	SessionID   string    `bun:",notnull" json:"session_id"`
	Name        string    `bun:",notnull" json:"name"`
	Pages       int       `bun:",notnull" json:"pages"`
	Bytes       int64     `bun:",notnull" json:"bytes"` // the uploaded PDF's size
	CreatedBy   string    `bun:",notnull" json:"created_by"`
	CreatedAt   time.Time `bun:",notnull" json:"created_at"`
}

// DeckPage is one page of a deck as an image; Page counts from 1.
type DeckPage struct {
	bun.BaseModel `bun:"table:deck_pages"`

	DeckID      string `bun:",pk"`
	Page        int    `bun:",pk"`
	WorkspaceID string `bun:",notnull"`
	SessionID   string `bun:",notnull"`
	ContentType string `bun:",notnull"`
	Image       []byte `bun:",notnull"`
}

// InsertDeck stores a deck and its page images (first to last) together.
func InsertDeck(ctx context.Context, db bun.IDB, d *Deck, contentType string, images [][]byte) error {
	d.Pages = len(images)
	return InTx(ctx, db, func(ctx context.Context, tx bun.IDB) error {
		if err := Insert(ctx, tx, d); err != nil {
			return err
		}
		for i, img := range images {
			p := &DeckPage{DeckID: d.ID, Page: i + 1, WorkspaceID: d.WorkspaceID, SessionID: d.SessionID, ContentType: contentType, Image: img}
			if _, err := tx.NewInsert().Model(p).Exec(ctx); err != nil {
				return fmt.Errorf("insert page %d of deck %s: %w", i+1, d.ID, err)
			}
		}
		return nil
	})
}

// DeleteDeck removes workspace ws's deck id of session sessionID with its pages.
func DeleteDeck(ctx context.Context, db bun.IDB, ws, sessionID, id string) error {
	return InTx(ctx, db, func(ctx context.Context, tx bun.IDB) error {
		res, err := tx.NewDelete().Model((*Deck)(nil)).Where("workspace_id = ? AND session_id = ? AND id = ?", ws, sessionID, id).Exec(ctx)
		if err := affected("delete deck "+id, res, err); err != nil {
			return err
		}
		if _, err := tx.NewDelete().Model((*DeckPage)(nil)).Where("deck_id = ?", id).Exec(ctx); err != nil {
			return fmt.Errorf("delete the pages of deck %s: %w", id, err)
		}
		return nil
	})
}

// DeckOfSession is deck id if it belongs to session sessionID (the media node knows the
// session from the join token, not the workspace).
func DeckOfSession(ctx context.Context, db bun.IDB, sessionID, id string) (*Deck, error) {
	d := new(Deck)
	err := db.NewSelect().Model(d).Where("session_id = ? AND id = ?", sessionID, id).Limit(1).Scan(ctx)
	return d, notFound("get deck "+id, err)
}

// DecksOfSession lists session sessionID's decks, oldest first.
func DecksOfSession(ctx context.Context, db bun.IDB, sessionID string) ([]Deck, error) {
	decks := []Deck{}
	if err := db.NewSelect().Model(&decks).Where("session_id = ?", sessionID).Order("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("decks of session %s: %w", sessionID, err)
	}
	return decks, nil
}

// DeckPageImage is page (from 1) of deck id of session sessionID.
func DeckPageImage(ctx context.Context, db bun.IDB, sessionID, id string, page int) (*DeckPage, error) {
	p := new(DeckPage)
	err := db.NewSelect().Model(p).Where("session_id = ? AND deck_id = ? AND page = ?", sessionID, id, page).Limit(1).Scan(ctx)
	return p, notFound(fmt.Sprintf("get page %d of deck %s", page, id), err)
}

// Room events of a deck shown in the live room: each page shown (opening a deck shows its
// first page) and the deck taken off the stage. Data: "deck" (id), "page" (from 1), "pages".
const (
	RoomEventDeckPage  = "deck.page"
	RoomEventDeckClose = "deck.close"
)

// DeckShown is one change of what deck page the room showed: from At on, page Page of deck
// DeckID was on stage; DeckID "" means no deck from then on.
type DeckShown struct {
	DeckID string
	Page   int
	At     time.Time
}

// DeckTimeline is every change of the deck page a session's room showed, in order, for the
// composite replay to place the deck where a screen share would be.
func DeckTimeline(ctx context.Context, db bun.IDB, sessionID string) ([]DeckShown, error) {
	var events []RoomEvent
	err := db.NewSelect().Model(&events).Where("session_id = ? AND kind IN (?)", sessionID, bun.In([]string{RoomEventDeckPage, RoomEventDeckClose})).
		Order("id").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("deck timeline of %s: %w", sessionID, err)
	}
	out := make([]DeckShown, 0, len(events))
	for _, e := range events {
		s := DeckShown{At: e.CreatedAt}
		if e.Kind == RoomEventDeckPage {
			page, err := strconv.Atoi(e.Data["page"])
			if err != nil || e.Data["deck"] == "" {
				continue // not written by this code: skip rather than place a wrong page
			}
			s.DeckID, s.Page = e.Data["deck"], page
		}
		out = append(out, s)
	}
	return out, nil
}
