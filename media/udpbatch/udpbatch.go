// Package udpbatch coalesces the datagrams written to one UDP socket into sendmmsg batches.
//
// The media service sends every subscriber's packets through one shared socket (the ICE UDP
// mux), and the fan-out writes one packet to N subscribers back to back: without batching
// that is one sendto system call per packet per subscriber, the largest single cost of
// forwarding. Conn queues the writes and hands them to the kernel in one call when the queue
// is full or when the oldest queued datagram has waited MaxDelay, whichever comes first.
// Datagrams leave in the order they were written; reads pass straight through.
package udpbatch

import (
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"time"

	"golang.org/x/net/ipv4"
)

// Defaults keep the added latency well under a video frame and a batch well under the
// kernel's sendmmsg limit (UIO_MAXIOV, 1024).
const (
	DefaultMaxDelay = 500 * time.Microsecond
	DefaultMaxBatch = 128
)

// Options tune a Conn; zero values take the defaults.
type Options struct {
	// MaxDelay bounds how long a written datagram may wait in the queue.
	MaxDelay time.Duration
	// MaxBatch is the queue length that triggers an immediate flush.
	MaxBatch int
	// Logger reports datagrams the kernel refused (they are dropped, as a lossy network would).
	Logger *slog.Logger
}

// Conn is a net.PacketConn whose writes are batched. It also offers the netip.AddrPort read
// and write methods Pion's UDP mux uses to avoid an allocation per packet.
type Conn struct {
	udp      *net.UDPConn
	batch    *ipv4.PacketConn
	maxDelay time.Duration
	log      *slog.Logger

	mu     sync.Mutex
	queue  []ipv4.Message
	slots  []slot
	queued int
	timer  *time.Timer
	closed bool
}

// slot owns the bytes and the address of one queued datagram, reused across batches so that
// queueing copies but never allocates.
type slot struct {
	buf  []byte
	addr net.UDPAddr
	ip   [16]byte
}

// New wraps udp; the Conn owns it from now on (Close closes it).
func New(udp *net.UDPConn, opts Options) *Conn {
	if opts.MaxDelay <= 0 {
		opts.MaxDelay = DefaultMaxDelay
	}
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = DefaultMaxBatch
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	c := &Conn{udp: udp, batch: ipv4.NewPacketConn(udp), maxDelay: opts.MaxDelay, log: opts.Logger,
		queue: make([]ipv4.Message, opts.MaxBatch), slots: make([]slot, opts.MaxBatch)}
	for i := range c.queue {
		c.queue[i].Buffers = make([][]byte, 1)
		c.queue[i].Addr = &c.slots[i].addr
	}
	c.timer = time.AfterFunc(time.Hour, c.flushDue)
	c.timer.Stop()
	return c
}

// WriteTo queues b for addr, which must be a *net.UDPAddr. It reports success once queued;
// the kernel's verdict comes later and a refused datagram is logged and dropped.
func (c *Conn) WriteTo(b []byte, addr net.Addr) (int, error) {
	udpAddr, ok := addr.(*net.UDPAddr)
	if !ok {
		return 0, &net.OpError{Op: "write", Net: "udp", Addr: addr, Err: net.InvalidAddrError("not a UDP address")}
	}
	return c.WriteToAddrPort(b, udpAddr.AddrPort())
}

// WriteToAddrPort queues b for addr without allocating.
func (c *Conn) WriteToAddrPort(b []byte, addr netip.AddrPort) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return 0, net.ErrClosed
	}
	s := &c.slots[c.queued]
	s.buf = append(s.buf[:0], b...)
	s.setAddr(addr)
	c.queue[c.queued].Buffers[0] = s.buf
	c.queued++
	switch c.queued {
	case len(c.slots):
		c.flushLocked()
	case 1:
		c.timer.Reset(c.maxDelay)
	}
	return len(b), nil
}

func (s *slot) setAddr(addr netip.AddrPort) {
	ip := addr.Addr()
	if ip.Is4() || ip.Is4In6() {
		v4 := ip.Unmap().As4()
		s.addr.IP = append(s.ip[:0], v4[:]...)
	} else {
		v6 := ip.As16()
		s.addr.IP = append(s.ip[:0], v6[:]...)
	}
	s.addr.Port, s.addr.Zone = int(addr.Port()), ip.Zone()
}

// flushDue runs when the oldest queued datagram has waited maxDelay.
func (c *Conn) flushDue() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.flushLocked()
}

// flushLocked sends the queue in as few sendmmsg calls as the kernel allows. A datagram the
// kernel refuses is skipped so that the ones behind it still leave, in order.
func (c *Conn) flushLocked() {
	pending := c.queue[:c.queued]
	for len(pending) > 0 {
		n, err := c.batch.WriteBatch(pending, 0)
		if err != nil {
			c.log.Warn("udp batch: datagram dropped", "to", pending[max(n, 0)].Addr.String(), "err", err)
			n = max(n, 0) + 1
		}
		pending = pending[n:]
	}
	c.queued = 0
}

// ReadFrom passes through to the socket.
func (c *Conn) ReadFrom(b []byte) (int, net.Addr, error) { return c.udp.ReadFrom(b) }

// ReadFromAddrPort passes through to the socket without allocating.
func (c *Conn) ReadFromAddrPort(b []byte) (int, netip.AddrPort, error) {
	return c.udp.ReadFromUDPAddrPort(b)
}

// Close sends what is queued, then closes the socket.
func (c *Conn) Close() error {
	c.mu.Lock()
	if !c.closed {
		c.closed = true
		c.timer.Stop()
		c.flushLocked()
	}
	c.mu.Unlock()
	return c.udp.Close()
}

// LocalAddr is the socket's address.
func (c *Conn) LocalAddr() net.Addr { return c.udp.LocalAddr() }

// SetDeadline applies to the socket's reads and to flushes.
func (c *Conn) SetDeadline(t time.Time) error { return c.udp.SetDeadline(t) }

// SetReadDeadline applies to the socket's reads.
func (c *Conn) SetReadDeadline(t time.Time) error { return c.udp.SetReadDeadline(t) }

// SetWriteDeadline applies to flushes (Pion's mux uses it to unblock writers on close).
func (c *Conn) SetWriteDeadline(t time.Time) error { return c.udp.SetWriteDeadline(t) }
