package sfu

import "sync"

// historySize is how many packets of one published track are kept for retransmission: at
// ~170 video packets/s about three seconds, longer than any useful NACK round trip.
const historySize = 512

// history is the ONE retransmission buffer of a published track, shared by all its subscribers
// (they all receive the publisher's sequence numbers). Pion's NACK responder would keep a copy
// of every packet per subscriber instead.
type history struct {
	mu    sync.Mutex
	slots [historySize]historySlot
}

type historySlot struct {
	seq  uint16
	full bool
	data []byte // the raw RTP packet as read from the publisher
}

// put stores a copy of pkt under seq, evicting the packet historySize sequence numbers older.
func (h *history) put(seq uint16, pkt []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := &h.slots[seq%historySize]
	if cap(s.data) < len(pkt) {
		s.data = make([]byte, len(pkt), maxRTPPacket)
	}
	s.seq, s.full, s.data = seq, true, append(s.data[:0], pkt...)
}

// get copies the packet with seq into dst; false if it is no longer (or never was) kept.
func (h *history) get(seq uint16, dst []byte) ([]byte, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := &h.slots[seq%historySize]
	if !s.full || s.seq != seq {
		return nil, false
	}
	return append(dst[:0], s.data...), true
}

// maxRetransmits bounds how often one packet is sent again to one subscriber. A client that
// keeps NACKing what it never got (Pion's NACK generator repeats every 100 ms without limit)
// would otherwise multiply an overload that is already losing packets.
const maxRetransmits = 2

// retransmitLog counts, for one subscriber of one track, how often each recent packet was
// retransmitted to it. It is owned by that subscriber's RTCP goroutine and needs no lock.
type retransmitLog struct {
	slots [historySize]struct {
		seq   uint16
		count uint8
	}
}

// allow reports whether seq may be retransmitted once more, and counts it if so.
func (l *retransmitLog) allow(seq uint16) bool {
	s := &l.slots[seq%historySize]
	if s.seq != seq {
		s.seq, s.count = seq, 0
	}
	if s.count >= maxRetransmits {
		return false
	}
	s.count++
	return true
}
