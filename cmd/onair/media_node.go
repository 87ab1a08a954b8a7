package main

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/media"
	"github.com/onairhq/onair/media/placement"
	"github.com/onairhq/onair/store"
)

// defaultMediaCapacity is how many participants a node takes when ONAIR_MEDIA_CAPACITY is
// unset: a two-core node, with room to spare (BENCHMARKS.md).
const defaultMediaCapacity = 1000

// mediaRegistration is the node's registration from the settings: its id, URLs, capacity and
// region, and how often it heartbeats.
func (c config) mediaRegistration() (store.MediaNode, time.Duration, error) {
	n := store.MediaNode{ID: c.MediaNodeID, PublicURL: c.MediaURL, ControlURL: c.MediaControlURL, Region: c.MediaRegion,
		Capacity: defaultMediaCapacity}
	if n.ID == "" {
		n.ID = placement.NodeID(c.MediaURL)
	}
	if n.ControlURL == "" {
		n.ControlURL = c.MediaURL
	}
	if c.MediaCapacity != "" {
		v, err := strconv.Atoi(c.MediaCapacity)
		if err != nil || v <= 0 {
			return n, 0, fmt.Errorf("ONAIR_MEDIA_CAPACITY must be a positive number of participants, not %q", c.MediaCapacity)
		}
		n.Capacity = v
	}
	every, err := positiveDuration("ONAIR_MEDIA_HEARTBEAT", c.MediaHeartbeat, placement.DefaultHeartbeatEvery)
	return n, every, err
}

// mediaNodeTimeout is how old a node's last heartbeat may be before the API takes it for dead.
func (c config) mediaNodeTimeout() (time.Duration, error) {
	return positiveDuration("ONAIR_MEDIA_NODE_TIMEOUT", c.MediaNodeTimeout, placement.DefaultHeartbeatTimeout)
}

// mediaRoomShare is ONAIR_MEDIA_ROOM_SHARE: a node's share of one room's participants (0: a
// room never spans nodes).
func (c config) mediaRoomShare() (int, error) {
	if c.MediaRoomShare == "" {
		return 0, nil
	}
	v, err := strconv.Atoi(c.MediaRoomShare)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("ONAIR_MEDIA_ROOM_SHARE must be a number of participants (0: rooms stay on one node), not %q", c.MediaRoomShare)
	}
	return v, nil
}

func positiveDuration(name, value string, fallback time.Duration) (time.Duration, error) {
	if value == "" {
		return fallback, nil
	}
	d, err := time.ParseDuration(value)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s must be a positive duration such as 2s, not %q", name, value)
	}
	return d, nil
}

// registerMediaNode writes the node in the store and heartbeats its participants until the
// registration stops (which deregisters it).
func registerMediaNode(ctx context.Context, cfg config, db *bun.DB, node *media.Node, log *slog.Logger) (*placement.Registration, error) {
	n, every, err := cfg.mediaRegistration()
	if err != nil {
		return nil, err
	}
	timeout, err := cfg.mediaNodeTimeout()
	if err != nil {
		return nil, err
	}
	node.SetNodeID(n.ID)
	return placement.Register(ctx, placement.RegisterParams{DB: db, Node: n, Every: every, Logger: log,
		Load: node.Rooms().Participants, FenceAfter: timeout, Fence: node.Rooms().SetFenced})
}
