package main

import (
	"encoding/binary"
	"slices"
	"sync"
	"time"
)

// The delay from the publisher's packet to the last subscriber it reaches: the publisher
// stamps each video packet with its send time (unix nanoseconds, at stampOffset in the
// payload, which both servers forward untouched), each subscriber notes when the packet came
// out of its PeerConnection, and the latest arrival of a packet every subscriber received is
// that packet's delay to the last subscriber. Publisher and subscribers are in this process:
// one clock. The delay includes the generator's own receive path, which on a busy machine is
// part of it.

// stampOffset is where the send time goes: past the VP8 payload descriptor the publisher writes.
const stampOffset = 8

// arrivalSlots covers the warm-up and the window: 180 video packets/s for 45 s.
const arrivalSlots = 8192

// arrivalLog follows each stamped video packet to every subscriber.
type arrivalLog struct {
	mu    sync.Mutex
	slots [arrivalSlots]arrival
}

type arrival struct {
	sent     int64 // the stamp: which packet the slot holds
	count    int   // subscribers it reached
	last     int64 // the latest arrival
	delaySum int64 // of every arrival, for the mean
}

func stamp(payload []byte, now time.Time) {
	binary.BigEndian.PutUint64(payload[stampOffset:], uint64(now.UnixNano()))
}

// add notes that the video packet seq (a whole RTP packet) reached a subscriber at at.
func (l *arrivalLog) add(pkt []byte, at time.Time) {
	off := 12 + 4*int(pkt[0]&0x0f)
	if pkt[0]&0x10 != 0 { // header extension: 4 bytes, then its length in 32-bit words
		if len(pkt) < off+4 {
			return
		}
		off += 4 + 4*int(binary.BigEndian.Uint16(pkt[off+2:]))
	}
	if len(pkt) < off+stampOffset+8 {
		return
	}
	sent := int64(binary.BigEndian.Uint64(pkt[off+stampOffset:]))
	seq := binary.BigEndian.Uint16(pkt[2:4])
	t := at.UnixNano()
	l.mu.Lock()
	defer l.mu.Unlock()
	s := &l.slots[seq%arrivalSlots]
	if s.sent != sent {
		*s = arrival{sent: sent}
	}
	s.count++
	s.last = max(s.last, t)
	s.delaySum += t - sent
}

// delaySummary is the delay to the last subscriber over the packets of a window.
type delaySummary struct {
	packets          int // sent in the window and received by every subscriber
	p50, p99, maxLat time.Duration
	mean             time.Duration // over every arrival, not only the last ones
}

// summary looks at the packets sent in [from, to) that reached all n subscribers.
func (l *arrivalLog) summary(from, to time.Time, n int) delaySummary {
	l.mu.Lock()
	var lasts []time.Duration
	var sum, arrivals int64
	for _, s := range l.slots {
		if s.count == n && s.sent >= from.UnixNano() && s.sent < to.UnixNano() {
			lasts = append(lasts, time.Duration(s.last-s.sent))
			sum += s.delaySum
			arrivals += int64(s.count)
		}
	}
	l.mu.Unlock()
	if len(lasts) == 0 {
		return delaySummary{}
	}
	slices.Sort(lasts)
	at := func(q float64) time.Duration { return lasts[min(len(lasts)-1, int(q*float64(len(lasts))))] }
	return delaySummary{packets: len(lasts), p50: at(0.50), p99: at(0.99), maxLat: lasts[len(lasts)-1], mean: time.Duration(sum / arrivals)}
}
