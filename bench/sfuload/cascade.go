package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/onairhq/onair/media/placement"
	"github.com/onairhq/onair/store"
)

// A room split over two `onair media` processes (issue 19 item 3), both pinned to the server's
// core like the single node: the publisher joins the room's node (its origin) and the
// subscribers are placed as the API places them with ONAIR_MEDIA_ROOM_SHARE = ⌈N/2⌉, so half
// join the other node, an edge that receives the tracks once from the origin over its relay.

const (
	cascadeAddrA, cascadeAddrB = "127.0.0.1:18092", "127.0.0.1:18094"
	cascadeUDPA, cascadeUDPB   = "18093", "18095"
)

// cascadeTarget places each join with the store, as the API's join tokens do.
type cascadeTarget struct {
	onairTarget // its base is the origin's, once placed
	nodes       *placement.Nodes
	mu          sync.Mutex
	bySub       map[string]int // subscribers by node URL
}

func (c *cascadeTarget) name() string { return "cascade" }

func (c *cascadeTarget) open(ctx context.Context) error {
	room, err := c.nodes.PlaceJoin(ctx, c.session, "host_bench", false)
	if err != nil {
		return err
	}
	c.base = room.PublicURL
	return c.onairTarget.open(ctx)
}

func (c *cascadeTarget) subscribe(ctx context.Context, s *subscriber, i int) (func(), error) {
	room, err := c.nodes.PlaceJoin(ctx, c.session, fmt.Sprintf("reg_bench_%03d", i), true)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.bySub[room.PublicURL]++
	c.mu.Unlock()
	node := c.onairTarget
	node.base = room.PublicURL
	return node.subscribe(ctx, s, i)
}

// measureCascade is measure for a room split over two nodes: both processes' CPU, and how many
// subscribers each took.
func measureCascade(ctx context.Context, o options, n int) (result, error) {
	db, err := store.Open(o.cascadeDB)
	if err != nil {
		return result{}, err
	}
	defer db.Close()
	var servers []*server
	defer func() {
		for _, s := range servers {
			s.stop()
		}
	}()
	for _, node := range [][2]string{{cascadeAddrA, cascadeUDPA}, {cascadeAddrB, cascadeUDPB}} {
		srv, _, err := startServer(o.serverCPU, []string{"ONAIR_MEDIA_SECRET=" + benchSecret, "DATABASE_URL=" + o.cascadeDB,
			"ONAIR_MEDIA_ADDR=" + node[0], "ONAIR_MEDIA_URL=http://" + node[0], "ONAIR_MEDIA_UDP_PORT=" + node[1],
			"ONAIR_MEDIA_HEARTBEAT=500ms", "ONAIR_LOG_LEVEL=warn",
			"ONAIR_MEDIA_METRICS_ADDR=off"}, o.onairBin, "media") // two nodes cannot share the default metrics port
		if err != nil {
			return result{}, err
		}
		servers = append(servers, srv)
	}
	setup, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	nodes := placement.New(placement.Params{DB: db, Secret: []byte(benchSecret), RoomShare: (n + 1) / 2})
	if err := waitNodes(setup, nodes); err != nil {
		return result{}, err
	}
	t := &cascadeTarget{onairTarget: onairTarget{session: store.NewID("ses"), secret: []byte(benchSecret), simulcast: o.simulcast},
		nodes: nodes, bySub: map[string]int{}}
	pids := []int{servers[0].pid(), servers[1].pid()}
	r, err := runRoom(ctx, setup, o, t, "cascade", n, pids)
	if err != nil {
		return r, err
	}
	if t.base == "http://"+cascadeAddrB { // the origin first
		pids[0], pids[1] = pids[1], pids[0]
		r.nodeCores[0], r.nodeCores[1] = r.nodeCores[1], r.nodeCores[0]
	}
	other := "http://" + cascadeAddrA
	if t.base == other {
		other = "http://" + cascadeAddrB
	}
	r.nodeSubs = []int{t.bySub[t.base], t.bySub[other]}
	return r, err
}

func waitNodes(ctx context.Context, nodes *placement.Nodes) error {
	for {
		alive, err := nodes.Alive(ctx)
		if err == nil && len(alive) == 2 {
			return nil
		}
		if err := sleep(ctx, 100*time.Millisecond); err != nil {
			return fmt.Errorf("two media nodes registered: %w", err)
		}
	}
}
