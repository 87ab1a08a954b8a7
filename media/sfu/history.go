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
