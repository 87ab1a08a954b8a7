package mediatest

import (
	"net"
	"sync"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/onairhq/onair/media/room"
)

// ShapedAPI builds a test peer whose downstream is limited as a tbf qdisc limits a link: what
// arrives for it waits in a queue of at most queue's worth of bytes at rate and leaves at
// rate bits/s; what does not fit is dropped. It stands in for a network namespace with tc:
// the node and its clients share one process on loopback, where a namespace would move the
// node too. Its one UDP socket carries every ICE candidate of the peer (a UDP mux).
func ShapedAPI(t *testing.T, rate int, queue time.Duration) *webrtc.API {
	t.Helper()
	conn, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	shaped := newShapedConn(conn, rate, queue)
	mux := webrtc.NewICEUDPMux(nil, shaped)
	t.Cleanup(func() { _ = mux.Close() })
	se := LoopbackSettings()
	se.SetICEUDPMux(mux)
	api, err := room.NewWebRTCAPI(se)
	if err != nil {
		t.Fatal(err)
	}
	return api
}

// shapedConn is a UDP socket whose reads pass through a rate-limited, bounded queue.
type shapedConn struct {
	*net.UDPConn
	rate     float64 // bits/s
	limit    int     // bytes the queue holds
	out      chan shapedPacket
	mu       sync.Mutex
	queued   int
	queue    []shapedPacket
	wake     chan struct{}
	closed   chan struct{}
	closeErr sync.Once
}

type shapedPacket struct {
	data []byte
	from net.Addr
}

func newShapedConn(conn *net.UDPConn, rate int, queue time.Duration) *shapedConn {
	c := &shapedConn{
		UDPConn: conn, rate: float64(rate), limit: int(float64(rate) / 8 * queue.Seconds()),
		out: make(chan shapedPacket, 64), wake: make(chan struct{}, 1), closed: make(chan struct{}),
	}
	go c.receive()
	go c.release()
	return c
}

// receive reads the socket and queues what fits.
func (c *shapedConn) receive() {
	buf := make([]byte, 1600)
	for {
		n, from, err := c.UDPConn.ReadFrom(buf)
		if err != nil {
			c.closeErr.Do(func() { close(c.closed) })
			return
		}
		c.mu.Lock()
		if c.queued+n <= c.limit {
			c.queue = append(c.queue, shapedPacket{data: append([]byte(nil), buf[:n]...), from: from})
			c.queued += n
		}
		c.mu.Unlock()
		select {
		case c.wake <- struct{}{}:
		default:
		}
	}
}

// release hands queued packets to readers no faster than the rate.
func (c *shapedConn) release() {
	next := time.Now()
	for {
		c.mu.Lock()
		if len(c.queue) == 0 {
			c.mu.Unlock()
			select {
			case <-c.wake:
				continue
			case <-c.closed:
				return
			}
		}
		p := c.queue[0]
		c.queue = c.queue[1:]
		c.mu.Unlock()
		if now := time.Now(); next.Before(now) {
			next = now
		}
		next = next.Add(time.Duration(float64(len(p.data)*8) / c.rate * float64(time.Second)))
		time.Sleep(time.Until(next))
		c.mu.Lock()
		c.queued -= len(p.data)
		c.mu.Unlock()
		select {
		case c.out <- p:
		case <-c.closed:
			return
		}
	}
}

// ReadFrom returns the next packet the shaper lets through.
func (c *shapedConn) ReadFrom(b []byte) (int, net.Addr, error) {
	select {
	case p := <-c.out:
		return copy(b, p.data), p.from, nil
	case <-c.closed:
		return 0, nil, net.ErrClosed
	}
}
