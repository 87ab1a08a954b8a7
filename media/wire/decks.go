package wire

// Slide-deck frames (issue 15): a deck uploaded through the API (POST /v1/sessions/:id/decks)
// is shown on stage, one page at a time, the same page for everyone.
//
// Client → server (refusals are error frames: denied naming the action, bad_request,
// not_found):
//
//	deck.open {id, page?}                 stage.control_media: show deck id of this session,
//	                                      at page (from 1; default 1); replaces an open deck
//	deck.page {page}                      stage.control_media: show another page of the open
//	                                      deck (not_found without one, bad_request out of range)
//	deck.close {}                         stage.remove_presentation: take the deck off stage
//	deck.list {}                          stage.control_media: the session's decks, answered
//	                                      to the asker alone by decks {decks}
//
// Server → client:
//
//	deck {deck}                           what deck page is on stage; without deck: none.
//	                                      Late joiners read joined.deck.
//
// The page images come from the media node (media/deckpages) at the signed deck.url.
const (
	FrameDeckOpen  = "deck.open"
	FrameDeckPage  = "deck.page"
	FrameDeckClose = "deck.close"
	FrameDeck      = "deck"
	FrameDeckList  = "deck.list"
	FrameDecks     = "decks"
)

// DeckView is the deck page on stage.
type DeckView struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Pages  int    `json:"pages"`
	Page   int    `json:"page"`   // from 1
	Person string `json:"person"` // who showed it
	// URL is the signed prefix of the page images on the media node: URL + "3" is page 3.
	URL string `json:"url,omitempty"`
}
