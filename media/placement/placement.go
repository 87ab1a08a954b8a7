// Package placement says which media node serves a session's room. Every `onair media`
// registers itself in the store and heartbeats with its load (heartbeat.go); the API and the
// activities place a room on the least-loaded healthy node when it opens or when its node
// stopped heartbeating (store.PlaceRoom, one statement, so two APIs never place a room twice),
// put that node's public URL in join tokens, and send the room's control calls to that node's
// control URL. Like media/mediactl, it is what the rest of onair uses to reach media nodes,
// without importing the node itself.
package placement

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/media/mediactl"
	"github.com/onairhq/onair/store"
)

// DefaultHeartbeatTimeout is how long a node may go without a heartbeat before the API takes
// it for dead: a few missed heartbeats (DefaultHeartbeatEvery), not one late one.
const DefaultHeartbeatTimeout = 10 * time.Second

// Params builds Nodes.
type Params struct {
	DB bun.IDB
	// Secret is the media secret shared with every node; the control key derives from it.
	Secret []byte
	// HTTP makes the control calls (nil: mediactl's default client).
	HTTP *http.Client
	// HeartbeatTimeout: zero means DefaultHeartbeatTimeout.
	HeartbeatTimeout time.Duration
	// RoomShare is how many participants of one room a node takes before the room's next
	// participants join another node (an edge, which receives the room's tracks from its
	// origin); zero: a room stays on its node.
	RoomShare int
}

// Nodes reaches the registered media nodes.
type Nodes struct {
	db      bun.IDB
	secret  []byte
	http    *http.Client
	timeout time.Duration
	share   int
}

// New builds Nodes.
func New(p Params) *Nodes {
	if p.HeartbeatTimeout <= 0 {
		p.HeartbeatTimeout = DefaultHeartbeatTimeout
	}
	return &Nodes{db: p.DB, secret: p.Secret, http: p.HTTP, timeout: p.HeartbeatTimeout, share: p.RoomShare}
}

// Room is where a session's room lives.
type Room struct {
	NodeID string
	// PublicURL is where browsers reach the node (join tokens, the room page).
	PublicURL string
	// Generation counts the room's placements: above 1, it moved off a dead node.
	Generation int
	// Control is the node's control API.
	Control *mediactl.Client
	// Edge: the node is not the room's origin but an edge of it (PlaceJoin).
	Edge bool
}

// ErrNoNode is wrapped when no healthy media node can take a room.
var ErrNoNode = store.ErrNoMediaNode

// cutoff is the oldest heartbeat of a node still alive.
func (n *Nodes) cutoff() time.Time { return store.Now().Add(-n.timeout) }

func (n *Nodes) control(node *store.MediaNode) *mediactl.Client {
	return mediactl.New(node.ControlURL, n.secret, n.http)
}

// Place returns the node of the session's room, placing it on the least-loaded healthy node
// when it has none or its node died. ErrNoNode when no node can take it.
func (n *Nodes) Place(ctx context.Context, sessionID string) (Room, error) {
	p, err := store.PlaceRoom(ctx, n.db, sessionID, n.cutoff())
	if err != nil {
		return Room{}, err
	}
	return Room{NodeID: p.NodeID, PublicURL: p.Node.PublicURL, Generation: p.Generation, Control: n.control(p.Node)}, nil
}

// PlaceJoin returns the node personID joins the session's room on: the room's node (placed
// as Place does) for staff (counted false) and while the room's participants there are fewer
// than the room share, else an edge of the room (store.PlaceJoin). Generation is the origin
// placement's; Control is the joined node's control API.
func (n *Nodes) PlaceJoin(ctx context.Context, sessionID, personID string, counted bool) (Room, error) {
	j, err := store.PlaceJoin(ctx, n.db, sessionID, personID, counted, n.share, n.cutoff())
	if err != nil {
		return Room{}, err
	}
	return Room{NodeID: j.NodeID, PublicURL: j.Node.PublicURL, Generation: j.Room.Generation, Edge: j.Edge,
		Control: n.control(j.Node)}, nil
}

// ForRoom is the control API of the node the session's room is placed on, without placing it.
// A room never placed, or whose node died or left, has no room anywhere: an error wrapping
// mediactl.ErrNotFound, as the node itself answers for a room it does not have.
func (n *Nodes) ForRoom(ctx context.Context, sessionID string) (*mediactl.Client, error) {
	p, err := store.RoomPlacementOf(ctx, n.db, sessionID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, fmt.Errorf("%w: the room of %s was never placed on a media node", mediactl.ErrNotFound, sessionID)
	case err != nil:
		return nil, err
	case p.Node == nil || !p.Node.Alive(n.cutoff()):
		return nil, fmt.Errorf("%w: the media node of %s's room (%s) is gone", mediactl.ErrNotFound, sessionID, p.NodeID)
	}
	return n.control(p.Node), nil
}

// ForRecording is a node that can read the session's recording: every node writes to the
// same recordings volume, so its room's node while that lives, else any live node. ErrNoNode
// when none lives.
func (n *Nodes) ForRecording(ctx context.Context, sessionID string) (*mediactl.Client, error) {
	if c, err := n.ForRoom(ctx, sessionID); err == nil || !errors.Is(err, mediactl.ErrNotFound) {
		return c, err
	}
	alive, err := store.AliveMediaNodes(ctx, n.db, n.cutoff())
	if err != nil {
		return nil, err
	}
	if len(alive) == 0 {
		return nil, fmt.Errorf("recording of %s: %w", sessionID, ErrNoNode)
	}
	return n.control(&alive[0]), nil
}

// Alive is the control API of every live node (draining ones included: they still have rooms).
func (n *Nodes) Alive(ctx context.Context) ([]*mediactl.Client, error) {
	alive, err := store.AliveMediaNodes(ctx, n.db, n.cutoff())
	if err != nil {
		return nil, err
	}
	out := make([]*mediactl.Client, len(alive))
	for i := range alive {
		out[i] = n.control(&alive[i])
	}
	return out, nil
}
