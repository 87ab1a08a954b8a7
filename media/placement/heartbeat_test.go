package placement_test

import (
	"context"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/onairhq/onair/media/mediatest"
	"github.com/onairhq/onair/media/placement"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

// partition is a TCP relay between a node and Postgres that a test can black-hole (bytes
// dropped both ways, connections left open, as when a network drops packets) and restore (the
// connections that lost bytes closed, new ones relayed): the node's store behind a network
// fault.
type partition struct {
	l      net.Listener
	target string
	mu     sync.Mutex
	holed  bool
	conns  []net.Conn
}

func newPartition(t *testing.T, target string) *partition {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &partition{l: l, target: target}
	t.Cleanup(func() { l.Close(); p.restore() })
	go p.serve()
	return p
}

func (p *partition) serve() {
	for {
		c, err := p.l.Accept()
		if err != nil {
			return
		}
		up, err := net.Dial("tcp", p.target)
		p.mu.Lock()
		if err != nil || p.holed {
			p.mu.Unlock()
			c.Close()
			if up != nil {
				up.Close()
			}
			continue
		}
		p.conns = append(p.conns, c, up)
		p.mu.Unlock()
		go p.pipe(up, c)
		go p.pipe(c, up)
	}
}

// pipe copies src to dst but for what arrives while the partition is a black hole.
func (p *partition) pipe(dst, src net.Conn) {
	defer dst.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if err != nil {
			return
		}
		p.mu.Lock()
		holed := p.holed
		p.mu.Unlock()
		if holed {
			continue
		}
		if _, err := dst.Write(buf[:n]); err != nil {
			return
		}
	}
}

func (p *partition) blackHole() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.holed = true
}

func (p *partition) restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.holed = false
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// A node cut off from the store for the node timeout fences itself (the API now takes it for
// dead and moves its rooms), once, not before, even though its statements hang rather than
// fail; when the store answers again the fence is lifted and the node heartbeats as before.
func TestPlacementNodeCutOffFromTheStoreFencesItself(t *testing.T) {
	direct := storetest.Postgres(t)
	dsn, err := url.Parse(storetest.PostgresURLOf(t, direct))
	if err != nil {
		t.Fatal(err)
	}
	part := newPartition(t, dsn.Host)
	dsn.Host = part.l.Addr().String()
	db, err := store.Open(dsn.String())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	const timeout = 400 * time.Millisecond
	fences := make(chan bool, 4)
	reg, err := placement.Register(context.Background(), placement.RegisterParams{DB: db,
		Node:  store.MediaNode{ID: "mnode_fence", PublicURL: "http://127.0.0.1:1", ControlURL: "http://127.0.0.1:1", Capacity: 10},
		Load:  func() int { return 3 },
		Every: 20 * time.Millisecond, FenceAfter: timeout, Fence: func(f bool) { fences <- f }})
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Stop()
	heartbeat := func() time.Time {
		var n store.MediaNode
		if err := direct.NewSelect().Model(&n).Where("id = ?", "mnode_fence").Scan(context.Background()); err != nil {
			t.Fatal(err)
		}
		return n.HeartbeatAt
	}
	first := heartbeat()
	mediatest.WaitFor(t, "heartbeats through the relay", func() bool { return heartbeat().After(first) })

	cut := time.Now()
	part.blackHole()
	select {
	case f := <-fences:
		if !f {
			t.Fatal("the fence was lifted before it was raised")
		}
		if since := time.Since(cut); since < timeout-2*20*time.Millisecond {
			t.Errorf("fenced %v after the cut, before the node timeout (%v)", since, timeout)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the node never fenced itself while cut off from the store")
	}
	stale := heartbeat()
	if !stale.Before(cut) {
		t.Errorf("a heartbeat at %v went through the black hole made at %v", stale, cut)
	}

	part.restore()
	select {
	case f := <-fences:
		if f {
			t.Fatal("fenced twice")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the fence was not lifted once the store answered again")
	}
	mediatest.WaitFor(t, "heartbeats again", func() bool { return heartbeat().After(stale) })
	select {
	case f := <-fences:
		t.Errorf("a further fence call (%v) while the store answers", f)
	default:
	}
}
