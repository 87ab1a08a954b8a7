package sfu

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtp"
)

// Fan-out across cores. Writing one packet to one subscriber costs a few microseconds (the
// rewrite, SRTP, a sendto system call whose kernel side is most of it), so a single goroutine
// writing each packet of a track to every subscriber caps a room at one core, and the last
// subscriber's delay grows with the audience. Above spreadAbove subscribers a packet's writes
// are shared with the track's helper goroutines, one fewer than GOMAXPROCS:
//
//   - the forwarding goroutine hands the packet to each helper that is idle at that moment (a
//     non-blocking send on an unbuffered channel: a busy helper, or one the machine has not
//     scheduled yet, is not waited for) and then writes alongside them;
//   - everyone claims spreadChunk bindings at a time from a shared counter over the packet's
//     copy-on-write snapshot of the binding list, so a helper that starts late or runs slowly
//     leaves its share to the others rather than holding the packet up;
//   - writeAll returns once every binding is written and every helper has let go of the
//     packet. Its payload is the forwarder's read buffer, reused at the next read, so nothing
//     is copied or allocated; and a subscriber gets its packets in the order they were read,
//     whichever goroutine writes them, since the next packet is handed out only after the
//     previous one was written to everyone;
//   - each writer sends on a socket of its own, a twin of the node's shared socket
//     (MediaSocket): the kernel serializes the sends of one UDP socket, so with a single one the
//     helpers added CPU without adding throughput (0.94× at 500 subscribers, BENCHMARKS.md).
//
// A binding's state (rewriter, SRTP context, counts) stays under its own lock, so
// retransmissions (the subscriber's RTCP goroutine), sender reports (its downlink's) and the
// simulcast layer choice behave exactly as with one writer. At or below spreadAbove
// subscribers, or with one core, the forwarding goroutine writes every binding itself.

const (
	// spreadAbove: handing a packet to a helper costs CPU (the wake-up, and the runtime
	// looking for work before the helper parks again): measured at about 65 µs per packet
	// (BENCHMARKS.md), a dozen subscribers' writes. Below 64 subscribers a packet's writes take
	// under 0.4 ms on one core, so spreading would buy little delay for that cost.
	spreadAbove = 64
	// spreadChunk is how many bindings a writer claims at a time: few enough to share the work
	// evenly, enough that the shared counter is touched once per several writes.
	spreadChunk = 8
)

// spreader is one track's helper goroutines, started at the first packet that needs them and
// stopped when the forwarder ends (after which every packet is written inline).
type spreader struct {
	helpers  int                // how many: GOMAXPROCS-1 when the track was made
	above    int                // spread when the track has more bindings than this
	chunk    int                // bindings claimed at a time (spreadChunk)
	work     chan *fanoutPacket // unbuffered: a send succeeds only into an idle helper's hands
	started  sync.Once
	stop     chan struct{}
	stopOnce sync.Once
	helped   atomic.Uint64 // packets a helper took part in
	// firstWriter is the forwarding goroutine's writer number; helper i is firstWriter+1+i.
	// Each writer sends on a socket of its own (MediaSocket), and tracks start at different
	// numbers so that two tracks' forwarding goroutines do not share one.
	firstWriter int
}

// nextFirstWriter spreads tracks' first writers over the sockets.
var nextFirstWriter atomic.Uint32

func (s *spreader) init(helpers, above, chunk int) {
	s.helpers, s.above, s.chunk = max(helpers, 0), above, chunk
	s.firstWriter = int(nextFirstWriter.Add(1) - 1)
	s.work, s.stop = make(chan *fanoutPacket), make(chan struct{})
}

// wanted is how many helpers a packet to n bindings should be offered to: one per spreadAbove
// bindings beyond the forwarding goroutine's own share, at most every helper.
func (s *spreader) wanted(n int) int {
	if s.helpers == 0 || n <= s.above {
		return 0
	}
	return min(s.helpers, (n-1)/s.above)
}

// handOut offers p to up to n idle helpers.
func (s *spreader) handOut(p *fanoutPacket, n int) {
	s.started.Do(func() {
		for i := range s.helpers {
			go s.help(s.firstWriter + 1 + i)
		}
	})
	for range n {
		p.helpers.Add(1)
		select {
		case s.work <- p:
		default: // every helper is busy or not parked yet: write without it
			p.helpers.Done()
			return
		}
	}
}

func (s *spreader) help(writer int) {
	out := new(rtp.Header) // the helper's own copy of the header, rewritten per binding
	for {
		select {
		case p := <-s.work:
			s.helped.Add(1)
			p.write(out, writer)
			p.helpers.Done()
		case <-s.stop:
			return
		}
	}
}

func (s *spreader) close() {
	s.stopOnce.Do(func() {
		if s.stop != nil {
			close(s.stop)
		}
	})
}

// fanoutPacket is a packet being written to a track's subscribers: one per forwarding
// goroutine (a layer's reader), reused for every packet it reads, and shared with the helpers
// while it is written.
type fanoutPacket struct {
	bindings    []*binding
	next        atomic.Int64 // the first binding no writer has claimed
	chunk       int64        // how many a writer claims at a time
	layer       int
	switchPoint bool
	header      rtp.Header
	payload     []byte
	now         time.Time
	helpers     sync.WaitGroup // helpers holding the packet
	errMu       sync.Mutex
	err         error      // the first write that failed
	out         rtp.Header // the forwarding goroutine's copy of the header
}

// write claims bindings until none is left and writes the packet to each. Every binding
// starts from the parsed header again, since its own rewriting and extensions changed it;
// out is the writer's own, on the heap once (the interface call beneath makes it escape);
// writer its number, which picks its socket.
func (p *fanoutPacket) write(out *rtp.Header, writer int) {
	n := int64(len(p.bindings))
	for {
		end := p.next.Add(p.chunk)
		start := end - p.chunk
		if start >= n {
			return
		}
		for _, b := range p.bindings[start:min(end, n)] {
			*out = p.header
			if err := b.forward(p.layer, p.switchPoint, out, p.payload, p.now, writer); err != nil {
				p.fail(err)
			}
		}
	}
}

func (p *fanoutPacket) fail(err error) {
	p.errMu.Lock()
	defer p.errMu.Unlock()
	if p.err == nil {
		p.err = err
	}
}

// writeAll sends one packet of a layer to every subscriber fed from it, each with its own
// SSRC, payload type, sequence numbers and timestamps; switchPoint says a subscriber may start
// on the layer here (a keyframe). p is the calling goroutine's own, reused. A failing binding
// (its transport closing) does not stop the others; the first error is returned.
func (t *fanoutTrack) writeAll(p *fanoutPacket, layer int, switchPoint bool, h rtp.Header, payload []byte, now time.Time) error {
	bs := *t.bindings.Load()
	p.bindings, p.layer, p.switchPoint, p.header, p.payload, p.now, p.err = bs, layer, switchPoint, h, payload, now, nil
	p.next.Store(0)
	p.chunk = int64(max(t.spread.chunk, 1))
	if n := t.spread.wanted(len(bs)); n > 0 {
		t.spread.handOut(p, n)
	}
	p.write(&p.out, t.spread.firstWriter)
	p.helpers.Wait()
	err := p.err
	// Hold neither the read buffer nor departed subscribers until the next packet.
	p.bindings, p.payload = nil, nil
	return err
}
