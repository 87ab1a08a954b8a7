package placement

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/store"
)

// DefaultHeartbeatEvery is how often a node tells the store it is alive, with its load.
const DefaultHeartbeatEvery = 2 * time.Second

// NodeID is a node's id when none is configured: derived from its public URL, so a node that
// restarts at the same address is the same node (and takes back the rooms not yet moved).
func NodeID(publicURL string) string {
	sum := sha256.Sum256([]byte(publicURL))
	return "mnode_" + hex.EncodeToString(sum[:8])
}

// RegisterParams registers a media node.
type RegisterParams struct {
	DB bun.IDB
	// Node is the node's id, URLs, capacity and region; the rest is the store's.
	Node store.MediaNode
	// Load is the number of participants in the node's rooms now.
	Load func() int
	// Every: zero means DefaultHeartbeatEvery.
	Every  time.Duration
	Logger *slog.Logger
	// FenceAfter is how long heartbeats may fail before the node takes itself for dead, as
	// the API does then (ONAIR_MEDIA_NODE_TIMEOUT), and calls Fence(true): the API places its
	// rooms on another node at their next join, so a node cut off from the store closes them
	// rather than keep people in a room that goes on elsewhere (room.Rooms.SetFenced).
	// Fence(false) follows the first heartbeat that goes through again. Zero: never.
	FenceAfter time.Duration
	Fence      func(fenced bool)
}

// Registration is a node registered and heartbeating.
type Registration struct {
	p      RegisterParams
	log    *slog.Logger
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
}

// Register writes the node in the store as alive and empty and heartbeats until Stop.
func Register(ctx context.Context, p RegisterParams) (*Registration, error) {
	if p.Every <= 0 {
		p.Every = DefaultHeartbeatEvery
	}
	if p.Logger == nil {
		p.Logger = slog.New(slog.DiscardHandler)
	}
	if p.Node.Capacity <= 0 {
		return nil, fmt.Errorf("media node %s: capacity must be positive, not %d", p.Node.ID, p.Node.Capacity)
	}
	node := p.Node
	if err := store.RegisterMediaNode(ctx, p.DB, &node); err != nil {
		return nil, err
	}
	log := p.Logger.With("node", node.ID)
	log.Info("media node registered", "public_url", node.PublicURL, "control_url", node.ControlURL, "capacity", node.Capacity)
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	r := &Registration{p: p, log: log, cancel: cancel, done: make(chan struct{})}
	go r.heartbeat(ctx)
	return r, nil
}

// heartbeat reports the load every p.Every; a row gone (deregistered by hand, or a store
// restored) is written again. Failing for p.FenceAfter, it fences the node once, until a
// heartbeat goes through again.
func (r *Registration) heartbeat(ctx context.Context) {
	defer close(r.done)
	t := time.NewTicker(r.p.Every)
	defer t.Stop()
	lastOK, fenced := time.Now(), false
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		err := r.beat(ctx)
		switch {
		case ctx.Err() != nil:
			return
		case err == nil:
			if fenced {
				r.log.Info("media node heartbeat back; the node takes rooms again")
				r.p.Fence(false)
			}
			lastOK, fenced = time.Now(), false
		case !fenced && r.p.FenceAfter > 0 && time.Since(lastOK) >= r.p.FenceAfter && r.p.Fence != nil:
			r.log.Error("media node heartbeat failing for longer than the node timeout: the API takes the node for dead "+
				"and moves its rooms; closing them here", "since", lastOK, "err", err)
			fenced = true
			r.p.Fence(true)
		default:
			r.log.Warn("media node heartbeat failed; the API takes the node for dead if this lasts", "err", err)
		}
	}
}

// beat writes one heartbeat, bounded in time: across a network fault that drops packets a
// statement could wait for minutes, and the fence must not wait with it.
func (r *Registration) beat(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, max(r.p.Every, time.Second))
	defer cancel()
	err := store.MediaNodeHeartbeat(ctx, r.p.DB, r.p.Node.ID, r.p.Load())
	if errors.Is(err, store.ErrNotFound) {
		node := r.p.Node
		err = store.RegisterMediaNode(ctx, r.p.DB, &node)
	}
	return err
}

// Stop ends the heartbeats and removes the node from the store (a clean shutdown): no room is
// placed on it any more, and its rooms move to another node at their next join.
func (r *Registration) Stop() {
	r.once.Do(func() {
		r.cancel()
		<-r.done
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := store.DeregisterMediaNode(ctx, r.p.DB, r.p.Node.ID); err != nil {
			r.log.Warn("media node not deregistered; the API takes it for dead once its heartbeat is old", "err", err)
			return
		}
		r.log.Info("media node deregistered")
	})
}
