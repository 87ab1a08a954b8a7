// Package media assembles a media node: the rooms it owns (media/room) behind one HTTP handler
// serving the room page (media/roompage), the signaling WebSocket (media/signal), the control
// API (media/control) and /healthz. Everything else lives in those packages and in media/sfu
// (the packet path, which imports only Pion), media/recording, media/wire (the frames),
// media/jointoken and media/mediactl (what the API and activities use to reach a node).
package media

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/media/control"
	"github.com/onairhq/onair/media/deckpages"
	"github.com/onairhq/onair/media/hostctl"
	"github.com/onairhq/onair/media/jointoken"
	"github.com/onairhq/onair/media/metrics"
	"github.com/onairhq/onair/media/recording"
	"github.com/onairhq/onair/media/room"
	"github.com/onairhq/onair/media/roompage"
	"github.com/onairhq/onair/media/signal"
)

// NodeParams builds a media node.
type NodeParams struct {
	Logger *slog.Logger
	// Network is how PeerConnections are built; the zero value is Pion's defaults.
	Network room.Network
	// DB is where room events and attendance are written (required).
	DB bun.IDB
	// Now is the rooms' clock (chat times, attendance seconds); nil means time.Now.
	Now func() time.Time
	// Recordings stores recordings; nil: this node does not record.
	Recordings *recording.Store
	// Secret verifies join tokens; the control API's key derives from it.
	Secret []byte
	// OriginPatterns are extra browser origins allowed to open the signaling WebSocket (the
	// room page is served by the node itself, which is always allowed).
	OriginPatterns []string
	// PublicURL is the API's public base URL, whose workspace logos the room page shows.
	PublicURL string
	// APIURL is where the node reaches the API for the room's host controls (media/hostctl);
	// empty: hosts cannot go live or end the session from the room.
	APIURL string
}

// Node is one media node: its rooms and the HTTP handler that serves them.
type Node struct {
	rooms   *room.Rooms
	metrics *metrics.Collector
	mux     *http.ServeMux
	secret  []byte
	log     *slog.Logger
}

// NewNode builds the node's rooms and its handler: the room page (roompage.Path), signaling
// (jointoken.SignalPath), the slides of decks on stage (deckpages.Path), the control API
// (/control/...), the relay of rooms spanning nodes (jointoken.RelayPath) and /healthz.
func NewNode(p NodeParams) (*Node, error) {
	if p.Logger == nil {
		p.Logger = slog.New(slog.DiscardHandler)
	}
	var sessions room.SessionControl
	if p.APIURL != "" {
		sessions = hostctl.New(p.APIURL, p.Secret, nil)
	}
	pages := deckpages.New(deckpages.Params{Secret: p.Secret, DB: p.DB, Now: p.Now, Logger: p.Logger})
	rooms, err := room.NewRooms(room.RoomsParams{Logger: p.Logger, Network: p.Network, DB: p.DB, Now: p.Now,
		Recordings: p.Recordings, SessionControl: sessions, DeckPages: pages.URL})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("GET "+jointoken.SignalPath, signal.NewHandler(signal.Params{
		Rooms: rooms, Secret: p.Secret, Logger: p.Logger, OriginPatterns: p.OriginPatterns,
	}))
	mux.Handle("GET "+jointoken.RelayPath, signal.RelayHandler(signal.Params{Rooms: rooms, Secret: p.Secret, Logger: p.Logger}))
	mux.Handle("GET "+roompage.Path, roompage.Handler(roompage.Params{PublicURL: p.PublicURL}))
	mux.Handle(deckpages.Pattern, pages)
	mux.Handle("/control/", control.NewHandler(control.Params{
		Rooms: rooms, Recordings: p.Recordings, Secret: p.Secret, Logger: p.Logger,
	}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"ok"}` + "\n"))
	})
	return &Node{rooms: rooms, metrics: metrics.NewCollector(rooms), mux: mux, secret: p.Secret, log: p.Logger}, nil
}

// SetNodeID names the node as it registered (media/placement): from then on, a join of a room
// placed on another node makes this node an edge of that room, relayed from its origin over
// jointoken.RelayPath (media/room cascade.go).
func (n *Node) SetNodeID(id string) { n.rooms.SetNode(id, signal.DialOrigin(n.secret, n.log)) }

// Rooms is every room on this node.
func (n *Node) Rooms() *room.Rooms { return n.rooms }

// Metrics is the node's Prometheus collector (onair_media_…), for the registry its metrics
// listener serves: not on the node's own handler, which browsers reach, since the metrics name
// every open room's session.
func (n *Node) Metrics() *metrics.Collector { return n.metrics }

func (n *Node) ServeHTTP(w http.ResponseWriter, r *http.Request) { n.mux.ServeHTTP(w, r) }

// Close closes every room at shutdown (room.Rooms.CloseAll): WebSockets are hijacked
// connections that http.Server.Shutdown does not close.
func (n *Node) Close() { n.rooms.CloseAll() }
