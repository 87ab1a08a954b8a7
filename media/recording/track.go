package recording

import (
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtp"
)

const (
	maxPacket = 1500 // RTP over UDP never exceeds the MTU; larger packets are dropped
	// defaultQueuePackets is about 2.5 s of 2 Mbit/s video (~200 packets/s), room for a
	// slow disk to catch up without holding much memory (512 × 1.5 KB per track).
	defaultQueuePackets = 512
	// syncEvery bounds what a power cut loses; a killed process loses nothing written,
	// because every frame or page goes to the kernel in one write as it completes.
	syncEvery = time.Second
)

// frameWriter turns a track's RTP packets into a container file, frame by frame.
type frameWriter interface {
	// writePacket takes one packet; ts is its RTP timestamp relative to the track's first
	// packet (unwrapped), in the codec's clock.
	writePacket(p *rtp.Packet, ts int64) error
	frames() uint64
	close() error
}

type packetBuf struct {
	n  int
	at time.Time // arrival, stamped until the track is anchored
	b  [maxPacket]byte
}

// Track records one published track. WriteRTP is the forwarder's sink: it copies the packet
// into a free buffer of a fixed pool and hands it to the disk writer goroutine, never
// blocking and never allocating; with no free buffer the packet is dropped and counted.
type Track struct {
	session *Session
	index   int // into the session's manifest tracks
	file    *os.File
	out     frameWriter

	free   chan *packetBuf
	filled chan *packetBuf // capacity = pool size, so a send never blocks
	stop   chan struct{}
	done   chan struct{}
	once   sync.Once
	closed atomic.Bool
	// placed is set once the writer anchored the track: until then WriteRTP stamps arrivals,
	// so the track's place on the timeline is when its first packet came, not when the disk
	// writer got to it.
	placed atomic.Bool

	packets atomic.Uint64
	dropped atomic.Uint64
	early   atomic.Uint64 // packets from before the track's start on the timeline, not written

	// Writer goroutine only.
	pkt      rtp.Packet
	anchored bool
	lastTS   uint32
	relTS    int64
}

func newTrack(s *Session, index int, file *os.File, out frameWriter, queue int) *Track {
	t := &Track{session: s, index: index, file: file, out: out,
		free: make(chan *packetBuf, queue), filled: make(chan *packetBuf, queue),
		stop: make(chan struct{}), done: make(chan struct{})}
	pool := make([]packetBuf, queue)
	for i := range pool {
		t.free <- &pool[i]
	}
	go t.run()
	return t
}

// WriteRTP queues a copy of pkt for the disk (sfu.PacketSink).
func (t *Track) WriteRTP(pkt []byte) {
	if t.closed.Load() {
		return
	}
	if len(pkt) > maxPacket {
		t.dropped.Add(1)
		return
	}
	select {
	case b := <-t.free:
		b.n = copy(b.b[:], pkt)
		if !t.placed.Load() {
			b.at = t.session.store.now()
		}
		t.filled <- b
	default:
		t.dropped.Add(1)
	}
}

// Packets counts packets written to disk; Dropped those lost to a full queue or too large.
func (t *Track) Packets() uint64 { return t.packets.Load() }
func (t *Track) Dropped() uint64 { return t.dropped.Load() }

func (t *Track) run() {
	defer close(t.done)
	tick := time.NewTicker(syncEvery)
	defer tick.Stop()
	for {
		select {
		case b := <-t.filled:
			t.write(b)
		case <-tick.C:
			if err := t.file.Sync(); err != nil {
				t.session.log.Warn("recording sync", "file", t.file.Name(), "err", err)
			}
		case <-t.stop:
			for {
				select {
				case b := <-t.filled:
					t.write(b)
				default:
					return
				}
			}
		}
	}
}

func (t *Track) write(b *packetBuf) {
	defer func() { t.free <- b }()
	if err := t.pkt.Unmarshal(b.b[:b.n]); err != nil {
		t.dropped.Add(1)
		return
	}
	if !t.anchored {
		t.anchored, t.lastTS = true, t.pkt.Timestamp
		t.session.anchor(t.index, b.at)
		t.placed.Store(true)
	}
	// Signed 32-bit difference: unwraps the timestamp and tolerates reordered packets.
	t.relTS += int64(int32(t.pkt.Timestamp - t.lastTS))
	t.lastTS = t.pkt.Timestamp
	if t.relTS < 0 {
		// Sent before the track's first recorded packet, so before the recording started (a
		// retransmission, a packet queued in the forwarder when REC went on): its time would
		// be negative on the recording's timeline, which the files cannot hold.
		t.early.Add(1)
		return
	}
	if err := t.out.writePacket(&t.pkt, t.relTS); err != nil {
		t.session.log.Warn("recording write", "file", t.file.Name(), "err", err)
		return
	}
	t.packets.Add(1)
}

// close drains the queue, finishes the file and records the counters; idempotent.
func (t *Track) close() error {
	var err error
	t.once.Do(func() {
		t.closed.Store(true)
		close(t.stop)
		<-t.done
		err = t.out.close()
		if serr := t.file.Sync(); err == nil {
			err = serr
		}
		if cerr := t.file.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			err = fmt.Errorf("recording: close %s: %w", t.file.Name(), err)
		}
	})
	return err
}
