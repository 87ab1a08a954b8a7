package room

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/wire"
	"github.com/onairhq/onair/store"
)

// Slide decks on stage (§4 stage.control_media, stage.remove_presentation): one deck at a
// time, one page of it shown to everyone. Each page shown is a room event (the deck, the
// page, the time) that late joiners, a restored room and the composite replay read back
// (store.DeckTimeline).

// deckLookupTimeout bounds the store read of deck.open, made outside the room's lock.
const deckLookupTimeout = 5 * time.Second

func (r *Room) openDeck(p *Participant, f wire.Frame) error {
	// Refuse before the store read, so a participant's frames never cost a query.
	r.mu.Lock()
	err := r.actLocked(p, authz.StageControlMedia)
	r.mu.Unlock()
	if err != nil {
		return err
	}
	if !store.IsID(f.ID) {
		return fmt.Errorf("%w: deck.open needs the id of a deck of this session", ErrBadRequest)
	}
	ctx, cancel := context.WithTimeout(context.Background(), deckLookupTimeout)
	defer cancel()
	d, err := store.DeckOfSession(ctx, r.ev.store.db, r.sessionID, f.ID)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%w: no deck %s in this session", ErrNotFound, quote(f.ID))
	}
	if err != nil {
		return fmt.Errorf("open deck %s: %w", f.ID, err)
	}
	page := 1
	if f.Page != 0 {
		if page, err = pageOf(f.Page, d.Pages); err != nil {
			return err
		}
	}

	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.actLocked(p, authz.StageControlMedia); err != nil {
		return err // their role changed during the read
	}
	r.showDeckLocked(&wire.DeckView{ID: d.ID, Name: d.Name, Pages: d.Pages, Page: page, Person: p.id})
	return nil
}

func (r *Room) pageDeck(p *Participant, f wire.Frame) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.actLocked(p, authz.StageControlMedia); err != nil {
		return err
	}
	open := r.ev.deck
	if open == nil {
		return fmt.Errorf("%w: no deck is open", ErrNotFound)
	}
	page, err := pageOf(f.Page, open.Pages)
	if err != nil {
		return err
	}
	if page == open.Page {
		return nil // a double click: nothing changes, nothing to journal
	}
	// A new view: the one already sent may still sit in someone's send queue.
	next := *open
	next.Page, next.Person = page, p.id
	r.showDeckLocked(&next)
	return nil
}

func (r *Room) closeDeck(p *Participant, _ wire.Frame) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.actLocked(p, authz.StageRemovePresentation); err != nil {
		return err
	}
	if r.ev.deck == nil {
		return nil
	}
	r.ev.deck = nil
	r.journalLocked(store.RoomEventDeckClose, p.id, "", nil)
	r.broadcastLocked(roomFrame(wire.FrameDeck, wire.RoomFields{}))
	return nil
}

// listDecks answers p alone with the session's decks, for the room page's picker.
func (r *Room) listDecks(p *Participant, _ wire.Frame) error {
	r.mu.Lock()
	err := r.actLocked(p, authz.StageControlMedia)
	r.mu.Unlock()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), deckLookupTimeout)
	defer cancel()
	decks, err := store.DecksOfSession(ctx, r.ev.store.db, r.sessionID)
	if err != nil {
		return fmt.Errorf("list decks: %w", err)
	}
	views := make([]wire.DeckView, len(decks))
	for i, d := range decks {
		views[i] = wire.DeckView{ID: d.ID, Name: d.Name, Pages: d.Pages}
	}
	p.sink.Send(roomFrame(wire.FrameDecks, wire.RoomFields{Decks: views}))
	return nil
}

// showDeckLocked puts v on stage for everyone and journals the page shown.
func (r *Room) showDeckLocked(v *wire.DeckView) {
	r.ev.deck = v
	r.journalLocked(store.RoomEventDeckPage, v.Person, "", map[string]string{
		"deck": v.ID, "name": v.Name, "page": strconv.Itoa(v.Page), "pages": strconv.Itoa(v.Pages)})
	r.broadcastLocked(roomFrame(wire.FrameDeck, wire.RoomFields{Deck: r.deckViewLocked()}))
}

// deckViewLocked is the deck page on stage as sent, with a freshly signed URL of its
// images (the room's copy has none: a late joiner hours later needs a valid one).
func (r *Room) deckViewLocked() *wire.DeckView {
	if r.ev.deck == nil {
		return nil
	}
	v := *r.ev.deck
	if r.deckPages != nil {
		v.URL = r.deckPages(r.sessionID, v.ID)
	}
	return &v
}

// pageOf checks a requested page against the deck's pages.
func pageOf(page, pages int) (int, error) {
	if page < 1 || page > pages {
		return 0, fmt.Errorf("%w: page must be from 1 to %d", ErrBadRequest, pages)
	}
	return page, nil
}

// replayDeck applies a deck room event to a restored room.
func (ev *roomEvents) replayDeck(e store.RoomEvent) {
	if e.Kind == store.RoomEventDeckClose {
		ev.deck = nil
		return
	}
	page, err1 := strconv.Atoi(e.Data["page"])
	pages, err2 := strconv.Atoi(e.Data["pages"])
	if err1 != nil || err2 != nil || e.Data["deck"] == "" {
		return // not written by showDeckLocked: keep what was shown before
	}
	ev.deck = &wire.DeckView{ID: e.Data["deck"], Name: e.Data["name"], Pages: pages, Page: page, Person: e.ActorID}
}

// DeckShown is the deck page on stage, nil for none.
func (r *Room) DeckShown() *wire.DeckView {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.deckViewLocked()
}
