package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// RoomEdge is a node other than a room's origin serving part of its audience: it receives
// each published track once from the origin and fans it out to its own participants.
// Generation is the origin placement's it was made for; a room that moved to another origin
// starts without edges.
type RoomEdge struct {
	bun.BaseModel `bun:"table:room_edges"`

	SessionID  string    `bun:",pk" json:"session_id"`
	NodeID     string    `bun:",pk" json:"node_id"`
	Generation int       `bun:",notnull" json:"generation"`
	PlacedAt   time.Time `bun:",notnull" json:"placed_at"`
}

// RoomSeat is the node a participant of a room was placed on, for one generation of the
// room's origin placement. A node's seats in a room are what the share is counted against;
// a seat is kept for the room's life, so a participant who reconnects returns to the same node.
type RoomSeat struct {
	bun.BaseModel `bun:"table:room_seats"`

	SessionID  string    `bun:",pk" json:"session_id"`
	PersonID   string    `bun:",pk" json:"person_id"`
	NodeID     string    `bun:",notnull" json:"node_id"`
	Generation int       `bun:",notnull" json:"generation"`
	PlacedAt   time.Time `bun:",notnull" json:"placed_at"`
}

// CascadeTables are the models of rooms spanning nodes, for Models.
func CascadeTables() []any { return []any{(*RoomEdge)(nil), (*RoomSeat)(nil)} }

// PlacedJoin is where one person joins a room: its origin, or an edge of it.
type PlacedJoin struct {
	Room PlacedRoom // the room's origin placement
	// NodeID and Node are the node the person joins: the origin's, or an edge's.
	NodeID string
	Node   *MediaNode
	Edge   bool
}

// PlaceJoin places one participant's join of the session's room. The room is placed first
// (PlaceRoom). With share zero or less, or for staff (counted false: hosts, moderators and
// speakers always join the origin, which alone takes published tracks), the join goes to
// the origin. Otherwise a participant goes back to the node of their seat while it lives,
// else to the origin while it has fewer than share seats, else to the oldest live edge with
// fewer than share seats, else to a new edge on the least-loaded healthy node that does not
// serve the room yet; with no such node, to the origin over its share. Joins of one room are
// serialized on its placement row, so concurrent joins never overfill a node.
func PlaceJoin(ctx context.Context, db bun.IDB, sessionID, personID string, counted bool, share int, cutoff time.Time) (PlacedJoin, error) {
	room, err := PlaceRoom(ctx, db, sessionID, cutoff)
	if err != nil || !counted || share <= 0 {
		return PlacedJoin{Room: room, NodeID: room.NodeID, Node: room.Node}, err
	}
	var out PlacedJoin
	err = InTx(ctx, db, func(ctx context.Context, tx bun.IDB) error {
		locked, err := lockPlacement(ctx, tx, sessionID)
		if err != nil {
			return err
		}
		nodeID, err := seatNode(ctx, tx, locked, personID, share, cutoff)
		if err != nil {
			return err
		}
		if err := putSeat(ctx, tx, locked, personID, nodeID); err != nil {
			return err
		}
		out = PlacedJoin{Room: locked, NodeID: nodeID, Node: locked.Node, Edge: nodeID != locked.NodeID}
		if out.Edge {
			out.Node = new(MediaNode)
			return tx.NewSelect().Model(out.Node).Where("id = ?", nodeID).Scan(ctx)
		}
		return nil
	})
	if err != nil {
		return PlacedJoin{}, fmt.Errorf("place %s's join of %s: %w", personID, sessionID, err)
	}
	return out, nil
}

// ErrNotOrigin is wrapped when a node asks to seat someone on a room's origin while the room
// is placed on another node (it moved off this one).
var ErrNotOrigin = errors.New("store: the room is placed on another node")

// SeatOnOrigin moves personID's seat in the session's room to nodeID, which must be the room's
// origin: a participant of an edge who accepted a stage invitation publishes there (tracks are
// published on the origin only), and PlaceJoin sends them back to it from then on, even past
// the share. It is serialized with joins on the room's placement row. ErrNotFound when the room
// is placed nowhere, ErrNotOrigin when it is placed on another node.
func SeatOnOrigin(ctx context.Context, db bun.IDB, sessionID, personID, nodeID string) error {
	err := InTx(ctx, db, func(ctx context.Context, tx bun.IDB) error {
		locked, err := lockPlacement(ctx, tx, sessionID)
		if err != nil {
			return err
		}
		if locked.NodeID != nodeID {
			return fmt.Errorf("%w (%s, not %s)", ErrNotOrigin, locked.NodeID, nodeID)
		}
		return putSeat(ctx, tx, locked, personID, nodeID)
	})
	if err != nil {
		return fmt.Errorf("seat %s on the origin of %s: %w", personID, sessionID, err)
	}
	return nil
}

// lockPlacement reads the session's room placement, locked until tx ends: the no-op update
// takes the row's lock (a write lock in SQLite), in both dialects.
func lockPlacement(ctx context.Context, tx bun.IDB, sessionID string) (PlacedRoom, error) {
	if _, err := tx.NewUpdate().Model((*RoomPlacement)(nil)).Set("generation = generation").
		Where("session_id = ?", sessionID).Exec(ctx); err != nil {
		return PlacedRoom{}, err
	}
	return RoomPlacementOf(ctx, tx, sessionID)
}

// putSeat records personID's seat on nodeID for the room's placement generation.
func putSeat(ctx context.Context, tx bun.IDB, room PlacedRoom, personID, nodeID string) error {
	seat := &RoomSeat{SessionID: room.SessionID, PersonID: personID, NodeID: nodeID, Generation: room.Generation, PlacedAt: Now()}
	_, err := tx.NewInsert().Model(seat).On("CONFLICT (session_id, person_id) DO UPDATE").
		Set("node_id = EXCLUDED.node_id, generation = EXCLUDED.generation, placed_at = EXCLUDED.placed_at").Exec(ctx)
	return err
}

// seatNode picks the node of a participant's seat (PlaceJoin), adding an edge when it must.
func seatNode(ctx context.Context, tx bun.IDB, room PlacedRoom, personID string, share int, cutoff time.Time) (string, error) {
	var kept string
	err := tx.NewSelect().ModelTableExpr("room_seats AS s").Column("s.node_id").
		Join("JOIN media_nodes AS n ON n.id = s.node_id").
		Where("s.session_id = ? AND s.person_id = ? AND s.generation = ?", room.SessionID, personID, room.Generation).
		Where("n.heartbeat_at >= ?", cutoff).Scan(ctx, &kept)
	switch {
	case err == nil:
		return kept, nil
	case !errors.Is(err, sql.ErrNoRows):
		return "", err
	}
	seated, err := tx.NewSelect().Model((*RoomSeat)(nil)).
		Where("session_id = ? AND node_id = ? AND generation = ?", room.SessionID, room.NodeID, room.Generation).Count(ctx)
	if err != nil || int(seated) < share {
		return room.NodeID, err
	}
	var edge string
	err = tx.NewRaw(`SELECT e.node_id FROM room_edges AS e JOIN media_nodes AS n ON n.id = e.node_id
		WHERE e.session_id = ? AND e.generation = ? AND n.heartbeat_at >= ? AND NOT n.draining
			AND (SELECT count(*) FROM room_seats AS s WHERE s.session_id = e.session_id AND s.node_id = e.node_id
				AND s.generation = e.generation) < ?
		ORDER BY e.placed_at, e.node_id LIMIT 1`, room.SessionID, room.Generation, cutoff, share).Scan(ctx, &edge)
	switch {
	case err == nil:
		return edge, nil
	case !errors.Is(err, sql.ErrNoRows):
		return "", err
	}
	err = tx.NewRaw(`SELECT n.id FROM media_nodes AS n
		WHERE n.heartbeat_at >= ? AND NOT n.draining AND n.participants < n.capacity AND n.id <> ?
			AND n.id NOT IN (SELECT e.node_id FROM room_edges AS e WHERE e.session_id = ? AND e.generation = ?)
		ORDER BY n.participants * 1.0 / n.capacity, n.id LIMIT 1`,
		cutoff, room.NodeID, room.SessionID, room.Generation).Scan(ctx, &edge)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return room.NodeID, nil // no other node: the origin takes more than its share
	case err != nil:
		return "", err
	}
	e := &RoomEdge{SessionID: room.SessionID, NodeID: edge, Generation: room.Generation, PlacedAt: Now()}
	_, err = tx.NewInsert().Model(e).On("CONFLICT (session_id, node_id) DO UPDATE").
		Set("generation = EXCLUDED.generation, placed_at = EXCLUDED.placed_at").Exec(ctx)
	return edge, err
}

// RoomEdges lists the edges of the session's room for its current origin generation, oldest
// first.
func RoomEdges(ctx context.Context, db bun.IDB, sessionID string) ([]RoomEdge, error) {
	var edges []RoomEdge
	err := db.NewSelect().Model(&edges).Where("session_id = ?", sessionID).
		Where("generation = (SELECT p.generation FROM room_placements AS p WHERE p.session_id = ?)", sessionID).
		Order("placed_at", "node_id").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("edges of %s: %w", sessionID, err)
	}
	return edges, nil
}
