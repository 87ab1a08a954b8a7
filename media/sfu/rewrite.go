package sfu

import "time"

// rewriter makes one subscriber's stream of a simulcast track look like one continuous stream
// while the layer it is fed from changes. Within a layer a packet's sequence number and
// timestamp are the publisher's plus an offset, so a packet the publisher's layer lost stays a
// hole the subscriber can NACK; at a switch the offsets are chosen so the first packet of the
// new layer (its keyframe) follows the last one sent: the next sequence number, and a timestamp
// advanced by the wall time between them. It is owned by its binding and guarded by its lock.
type rewriter struct {
	layer     int // the layer being forwarded; noLayer before the first packet
	seqOffset uint16
	tsOffset  uint32
	startSeq  uint16 // the layer's first forwarded sequence number: older packets of it are late

	lastSeq uint16 // the newest sequence number sent
	lastTS  uint32 // its timestamp
	lastAt  time.Time
	sent    bool

	// switches remembers the recent starts of layers, newest last, so a NACKed sequence number
	// maps back to the layer and publisher's sequence number it was sent as.
	switches [switchMemory]switchPoint
	nSwitch  int
}

// noLayer: nothing forwarded yet.
const noLayer = -1

// switchMemory is how many layer starts a rewriter remembers for NACKs: a subscriber switches
// at most every few seconds, and the history holds about three.
const switchMemory = 4

// switchPoint is where a layer started in a subscriber's stream.
type switchPoint struct {
	outSeq    uint16 // the first sequence number sent from the layer
	layer     int
	seqOffset uint16
	tsOffset  uint32
}

func newRewriter() rewriter { return rewriter{layer: noLayer} }

// start makes layer the forwarded one from the packet (seq, ts), sent at now; the clock rate
// turns the wall time since the last packet into a timestamp step.
func (r *rewriter) start(layer int, seq uint16, ts uint32, now time.Time, clockRate uint32) {
	if !r.sent {
		// The first layer is forwarded unchanged: a stream that never switches is the
		// publisher's, and NACKs name the publisher's numbers.
		r.seqOffset, r.tsOffset = 0, 0
	} else {
		step := uint32(1)
		if gap := now.Sub(r.lastAt); gap > 0 && clockRate > 0 {
			step = max(1, uint32(gap.Seconds()*float64(clockRate)))
		}
		r.seqOffset = r.lastSeq + 1 - seq
		r.tsOffset = r.lastTS + step - ts
	}
	r.layer, r.startSeq = layer, seq
	p := switchPoint{outSeq: seq + r.seqOffset, layer: layer, seqOffset: r.seqOffset, tsOffset: r.tsOffset}
	if r.nSwitch < switchMemory {
		r.switches[r.nSwitch] = p
		r.nSwitch++
		return
	}
	copy(r.switches[:], r.switches[1:])
	r.switches[switchMemory-1] = p
}

// rewrite maps a packet of the forwarded layer to the subscriber's numbering; false for a
// packet of it older than the layer's start (late, and its number would collide).
func (r *rewriter) rewrite(seq uint16, ts uint32, now time.Time) (uint16, uint32, bool) {
	if int16(seq-r.startSeq) < 0 {
		return 0, 0, false
	}
	outSeq, outTS := seq+r.seqOffset, ts+r.tsOffset
	if !r.sent || int16(outSeq-r.lastSeq) > 0 {
		r.lastSeq, r.lastTS, r.lastAt, r.sent = outSeq, outTS, now, true
	}
	return outSeq, outTS, true
}

// source maps a sequence number the subscriber received back to the layer and publisher's
// sequence number it was sent from, and the timestamp offset to apply again; false when it is
// older than every remembered switch or was never sent.
func (r *rewriter) source(outSeq uint16) (layer int, seq uint16, tsOffset uint32, ok bool) {
	if !r.sent || int16(outSeq-r.lastSeq) > 0 {
		return 0, 0, 0, false
	}
	for i := r.nSwitch - 1; i >= 0; i-- {
		p := r.switches[i]
		if int16(outSeq-p.outSeq) >= 0 {
			return p.layer, outSeq - p.seqOffset, p.tsOffset, true
		}
	}
	return 0, 0, 0, false
}
