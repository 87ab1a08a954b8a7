package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// MediaNode is one `onair media` process as it registered itself: where browsers and the
// control API reach it, how many participants it takes, and how many it has. A node whose
// heartbeat is older than the placement's timeout is dead to the API: no room is placed on it
// and the rooms placed on it move at their next join.
type MediaNode struct {
	bun.BaseModel `bun:"table:media_nodes"`

	ID         string `bun:",pk" json:"id"`
	PublicURL  string `bun:",notnull" json:"public_url"`
	ControlURL string `bun:",notnull" json:"control_url"`
	Region     string `bun:",notnull,default:''" json:"region,omitempty"`
	// Capacity is how many participants the node takes; rooms are placed only on nodes below it.
	Capacity int `bun:",notnull" json:"capacity"`
	// Participants is the load: people connected to the node's rooms at the last heartbeat.
	Participants int `bun:",notnull,default:0" json:"participants"`
	// Draining nodes keep their rooms while they heartbeat but get no new ones.
	Draining    bool      `bun:",notnull,default:false" json:"draining"`
	StartedAt   time.Time `bun:",notnull" json:"started_at"`
	HeartbeatAt time.Time `bun:",notnull" json:"heartbeat_at"`
}

// Alive reports whether the node heartbeated at or after cutoff.
func (n *MediaNode) Alive(cutoff time.Time) bool { return !n.HeartbeatAt.Before(cutoff) }

// RoomPlacement names the node a session's room lives on. Generation counts the placements:
// 1 for the first, one more each time the room moved off a dead node.
type RoomPlacement struct {
	bun.BaseModel `bun:"table:room_placements"`

	SessionID  string    `bun:",pk" json:"session_id"`
	NodeID     string    `bun:",notnull" json:"node_id"`
	Generation int       `bun:",notnull" json:"generation"`
	PlacedAt   time.Time `bun:",notnull" json:"placed_at"`
}

// PlacementTables are the node registry's models, for Models.
func PlacementTables() []any { return []any{(*MediaNode)(nil), (*RoomPlacement)(nil)} }

// ErrNoMediaNode says no media node is alive (or every one is full or draining) to take a room.
var ErrNoMediaNode = errors.New("store: no healthy media node")

// RegisterMediaNode writes node n as starting now: alive, empty, not draining. A node that
// restarts under the same id takes its row back, rooms placed on it included.
func RegisterMediaNode(ctx context.Context, db bun.IDB, n *MediaNode) error {
	now := Now()
	n.StartedAt, n.HeartbeatAt, n.Participants, n.Draining = now, now, 0, false
	_, err := db.NewInsert().Model(n).On("CONFLICT (id) DO UPDATE").
		Set("public_url = EXCLUDED.public_url, control_url = EXCLUDED.control_url, region = EXCLUDED.region").
		Set("capacity = EXCLUDED.capacity, participants = 0, draining = false").
		Set("started_at = EXCLUDED.started_at, heartbeat_at = EXCLUDED.heartbeat_at").Exec(ctx)
	if err != nil {
		return fmt.Errorf("register media node %s: %w", n.ID, err)
	}
	return nil
}

// MediaNodeHeartbeat records that node id is alive with this many participants. ErrNotFound
// when its row is gone (deregistered): the node registers again.
func MediaNodeHeartbeat(ctx context.Context, db bun.IDB, id string, participants int) error {
	res, err := db.NewUpdate().Model((*MediaNode)(nil)).Where("id = ?", id).
		Set("heartbeat_at = ?", Now()).Set("participants = ?", participants).Exec(ctx)
	return affected("heartbeat of media node "+id, res, err)
}

// DrainMediaNode stops placing rooms on node id; the rooms it has stay while it heartbeats.
func DrainMediaNode(ctx context.Context, db bun.IDB, id string) error {
	res, err := db.NewUpdate().Model((*MediaNode)(nil)).Where("id = ?", id).Set("draining = true").Exec(ctx)
	return affected("drain media node "+id, res, err)
}

// DeregisterMediaNode removes node id (a clean shutdown): its rooms move at their next join.
func DeregisterMediaNode(ctx context.Context, db bun.IDB, id string) error {
	if _, err := db.NewDelete().Model((*MediaNode)(nil)).Where("id = ?", id).Exec(ctx); err != nil {
		return fmt.Errorf("deregister media node %s: %w", id, err)
	}
	return nil
}

// AliveMediaNodes lists the nodes that heartbeated at or after cutoff, draining ones included,
// by id.
func AliveMediaNodes(ctx context.Context, db bun.IDB, cutoff time.Time) ([]MediaNode, error) {
	var nodes []MediaNode
	if err := db.NewSelect().Model(&nodes).Where("heartbeat_at >= ?", cutoff).Order("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("alive media nodes: %w", err)
	}
	return nodes, nil
}

// PlacedRoom is a room's placement and the node it names; Node is nil when that node
// deregistered.
type PlacedRoom struct {
	RoomPlacement
	Node *MediaNode
}

// PlaceRoom returns the node of the session's room, placing it first when it has none, or
// when its node heartbeated before cutoff or deregistered (then the generation goes up). A
// room goes to the alive, non-draining node with the lowest share of its capacity in use,
// counting each room placed on a node since its last heartbeat as one participant (so rooms
// opened together spread out). It is one statement: APIs placing the same session at once get
// the same node. ErrNoMediaNode when no node can take it.
func PlaceRoom(ctx context.Context, db bun.IDB, sessionID string, cutoff time.Time) (PlacedRoom, error) {
	_, err := db.NewRaw(`INSERT INTO room_placements (session_id, node_id, generation, placed_at)
		SELECT ?, n.id, 1, ? FROM media_nodes AS n
		WHERE n.heartbeat_at >= ? AND NOT n.draining AND n.participants < n.capacity
		ORDER BY (n.participants + (SELECT count(*) FROM room_placements AS p
			WHERE p.node_id = n.id AND p.placed_at >= n.heartbeat_at)) * 1.0 / n.capacity, n.id
		LIMIT 1
		ON CONFLICT (session_id) DO UPDATE SET node_id = EXCLUDED.node_id,
			generation = room_placements.generation + 1, placed_at = EXCLUDED.placed_at
		WHERE NOT EXISTS (SELECT 1 FROM media_nodes AS h
			WHERE h.id = room_placements.node_id AND h.heartbeat_at >= ?)`,
		sessionID, Now(), cutoff, cutoff).Exec(ctx)
	if err != nil {
		return PlacedRoom{}, fmt.Errorf("place room %s: %w", sessionID, err)
	}
	p, err := RoomPlacementOf(ctx, db, sessionID)
	if errors.Is(err, ErrNotFound) || err == nil && (p.Node == nil || !p.Node.Alive(cutoff)) {
		return PlacedRoom{}, fmt.Errorf("place room %s: %w", sessionID, ErrNoMediaNode)
	}
	return p, err
}

// RoomPlacementOf is the session's placement, alive or not; ErrNotFound when the room was
// never placed.
func RoomPlacementOf(ctx context.Context, db bun.IDB, sessionID string) (PlacedRoom, error) {
	var p PlacedRoom
	err := db.NewSelect().Model(&p.RoomPlacement).Where("session_id = ?", sessionID).Scan(ctx)
	if err != nil {
		return PlacedRoom{}, notFound("placement of "+sessionID, err)
	}
	n := new(MediaNode)
	err = db.NewSelect().Model(n).Where("id = ?", p.NodeID).Scan(ctx)
	switch {
	case err == nil:
		p.Node = n
	case !errors.Is(err, sql.ErrNoRows):
		return PlacedRoom{}, fmt.Errorf("node of %s's placement: %w", sessionID, err)
	}
	return p, nil
}
