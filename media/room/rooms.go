package room

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/media/recording"
	"github.com/onairhq/onair/store"
)

// RoomsParams builds the set of rooms one media node owns.
type RoomsParams struct {
	Logger *slog.Logger
	// Network is how PeerConnections are built; the zero value is Pion's defaults.
	Network Network
	// DB is where room events and attendance are written (required).
	DB bun.IDB
	// Now is the room clock (chat times, attendance seconds); nil means time.Now.
	Now func() time.Time
	// Recordings stores recordings; nil: rooms on this node cannot record.
	Recordings *recording.Store
	// SessionControl takes hosts' go-live and end to the API (host.go); nil: refused.
	SessionControl SessionControl
	// DeckPages is the signed URL prefix of a deck's page images (media/deckpages); nil:
	// deck frames carry no URL.
	DeckPages func(sessionID, deckID string) string
}

// Rooms is every room on this node, keyed by session id (a room is pinned to one node).
type Rooms struct {
	log        *slog.Logger
	network    Network
	db         bun.IDB
	now        func() time.Time
	recordings *recording.Store
	control    SessionControl
	deckPages  func(sessionID, deckID string) string

	// statsMu makes a closing room leave rooms and enter ended at once for Stats (stats.go);
	// it is taken before mu.
	statsMu sync.Mutex
	ended   MediaTotals

	mu    sync.Mutex
	rooms map[string]*Room
	// closedAt remembers recent closes, so a join that read "live" from the store just
	// before the session ended cannot open the room again (recovery.go).
	closedAt map[string]time.Time
	// roleChanges are recent live role changes, for tokens issued before them (role_changes.go).
	roleChanges map[personKey]roleChange
	// nodeID and dialOrigin make this node an edge of rooms placed elsewhere (cascade.go).
	nodeID     string
	dialOrigin DialOrigin
	// fenced: the node lost the store for longer than the node timeout (fence.go).
	fenced atomic.Bool
}

// NewRooms starts with no rooms.
func NewRooms(p RoomsParams) (*Rooms, error) {
	if p.Logger == nil {
		p.Logger = slog.New(slog.DiscardHandler)
	}
	if p.DB == nil {
		return nil, errors.New("media: rooms need a store (RoomsParams.DB)")
	}
	if p.Now == nil {
		p.Now = time.Now
	}
	return &Rooms{log: p.Logger, network: p.Network, db: p.DB, now: p.Now, recordings: p.Recordings, control: p.SessionControl, deckPages: p.DeckPages,
		rooms: map[string]*Room{}, closedAt: map[string]time.Time{}, roleChanges: map[personKey]roleChange{}}, nil
}

// Open makes the session's room live (the session started), creating it if staff had not
// entered the green room yet; staff waiting in the green room are told (a live frame). It is
// the control API's open, the workflow's word: it may open a room this node closed.
func (rs *Rooms) Open(sessionID string) *Room {
	rs.mu.Lock()
	delete(rs.closedAt, sessionID)
	r := rs.getOrCreateLocked(sessionID)
	rs.mu.Unlock()
	r.setLive()
	return r
}

// Close ends the room: everyone is told (bye room_closed) and disconnected, and later joins
// find no room. A session without a room here is remembered as closed all the same (its room
// may be opening on a join right now).
func (rs *Rooms) Close(sessionID string) error {
	return rs.closeRoom(sessionID, true)
}

func (rs *Rooms) closeRoom(sessionID string, ended bool) error {
	rs.statsMu.Lock()
	rs.mu.Lock()
	r, ok := rs.rooms[sessionID]
	delete(rs.rooms, sessionID)
	if ended { // a room closed at shutdown or by a fence may open again at the next join
		rs.rememberClosedLocked(sessionID)
	}
	rs.mu.Unlock()
	if ok {
		rs.countClosed(r)
	}
	rs.statsMu.Unlock()
	if !ok {
		return fmt.Errorf("close room %s: %w", sessionID, ErrRoomNotFound)
	}
	r.close(ended)
	return nil
}

// Get returns the session's room if it exists on this node.
func (rs *Rooms) Get(sessionID string) (*Room, bool) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	r, ok := rs.rooms[sessionID]
	return r, ok
}

// IDs lists the open rooms, sorted.
func (rs *Rooms) IDs() []string {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	ids := make([]string, 0, len(rs.rooms))
	for id := range rs.rooms {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Participants is how many people are in this node's rooms: the load it reports in its
// heartbeat.
func (rs *Rooms) Participants() int {
	rs.mu.Lock()
	rooms := make([]*Room, 0, len(rs.rooms))
	for _, r := range rs.rooms {
		rooms = append(rooms, r)
	}
	rs.mu.Unlock()
	n := 0
	for _, r := range rooms {
		n += r.Size()
	}
	return n
}

// CloseAll closes every room at shutdown: recordings stop and visits end as on Close, but
// nobody is told the session ended, so room pages reconnect and the node that comes back
// reopens each live session's room on its first join (recovery.go).
func (rs *Rooms) CloseAll() {
	for _, id := range rs.IDs() {
		_ = rs.closeRoom(id, false)
	}
}

func (rs *Rooms) getOrCreateLocked(sessionID string) *Room {
	r, ok := rs.rooms[sessionID]
	if !ok {
		r = newRoom(roomParams{SessionID: sessionID, Network: rs.network, Logger: rs.log, DB: rs.db, Now: rs.now, Recordings: rs.recordings,
			Control: rs.control, DeckPages: rs.deckPages,
			SeatHere: func(ctx context.Context, personID string) error { return rs.seatHere(ctx, sessionID, personID) }})
		rs.rooms[sessionID] = r
	}
	return r
}

// Attendance is the session's visits from the store, so it also covers a room already closed;
// an open room is flushed first, so visits that just ended are in it.
func (rs *Rooms) Attendance(ctx context.Context, sessionID string) ([]store.Attendance, error) {
	if r, ok := rs.Get(sessionID); ok {
		r.Flush()
	}
	return store.SessionAttendance(ctx, rs.db, sessionID)
}
