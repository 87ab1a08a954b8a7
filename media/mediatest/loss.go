package mediatest

import (
	"testing"

	"github.com/pion/rtcp"
)

// seqLog remembers which sequence numbers of one received stream arrived, to count the ones
// that never did (loss a NACK did not repair).
type seqLog struct {
	first, last int64 // extended sequence numbers; first -1 before any packet
	seen        map[int64]bool
}

func (p *Peer) seqLogLocked(key string) *seqLog {
	l, ok := p.seqs[key]
	if !ok {
		l = &seqLog{first: -1, seen: map[int64]bool{}}
		p.seqs[key] = l
	}
	return l
}

func (l *seqLog) add(seq uint16) {
	ext := int64(seq)
	if l.first >= 0 { // the extended number nearest the last one
		ext = l.last + int64(int16(seq-uint16(l.last)))
	} else {
		l.first, l.last = ext, ext
	}
	if ext > l.last {
		l.last = ext
	}
	if ext >= l.first {
		l.seen[ext] = true
	}
}

// Loss is how many packets of kind from the peer named stream arrived, and how many between
// the first one and the last but settle never did (the newest settle packets may still be
// repaired by a retransmission).
func (p *Peer) Loss(stream, kind string, settle int) (received, missing int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	l, ok := p.seqs[stream+"/"+kind]
	if !ok {
		return 0, 0
	}
	for ext := l.first; ext <= l.last-int64(settle); ext++ {
		if l.seen[ext] {
			received++
		} else {
			missing++
		}
	}
	return received, missing
}

// RequestKeyframe sends the node a PLI for the video of the peer named stream, as a browser
// whose decoder lost the picture does.
func (p *Peer) RequestKeyframe(t testing.TB, stream string) {
	t.Helper()
	p.mu.Lock()
	ssrc, ok := p.ssrcs[stream+"/video"]
	p.mu.Unlock()
	if !ok {
		t.Fatalf("%s: no video of %s received", p.name, stream)
	}
	if err := p.pc.WriteRTCP([]rtcp.Packet{&rtcp.PictureLossIndication{MediaSSRC: ssrc}}); err != nil {
		t.Fatalf("%s: keyframe request: %v", p.name, err)
	}
}
