package sfu

import (
	"sync"
	"time"

	"github.com/pion/rtcp"
)

// bandwidthEstimator estimates how many bits/s one subscriber's link carries, from what it says
// about the packets sent to it. It is a small delay- and loss-based controller in the spirit of
// Google congestion control (draft-ietf-rmcat-gcc), not a copy of it:
//
//   - every packet sent to the subscriber, on the direct path and through Pion alike, carries a
//     transport-wide sequence number, and its send time and size are kept here;
//   - each transport-wide feedback tells which packets arrived and when. The queuing delay is
//     the one-way delay (arrival − send, both on their own clocks) above its minimum over the
//     last ten seconds; the acknowledged rate is the bytes that arrived per second of
//     arrival time; the loss is the share of reported packets that never arrived;
//   - congestion (loss over 10 %, or a queue over 60 ms in three feedbacks in a row) brings
//     the estimate down to 85 % of the acknowledged rate (if it was above), at most once per
//     300 ms; a clean link (loss under 2 %, queue under 20 ms) lets it grow by 8 % a second, up to 1.5 × the acknowledged rate + 100 kbit/s, a
//     second after the last decrease; in between it holds;
//   - a subscriber that sends no transport-wide feedback is estimated from its REMB, or failing
//     that from the loss in its receiver reports, with the same thresholds; a REMB also caps
//     the transport-wide estimate.
//
// Growing beyond what is acknowledged needs a probe: the allocator may raise the estimate to a
// better layer's bitrate after sustained headroom (probe); if that congests, the next probe
// waits twice as long.
type bandwidthEstimator struct {
	mu      sync.Mutex
	nextSeq uint16
	log     [sentLogSize]sentPacket
	seenFb  [4]uint64 // feedback counts already read (a compound reaches every sender's reader)

	estimate     float64 // bits/s
	source       string  // "twcc", "remb" or "" (starting estimate)
	lastIncrease time.Time
	lastDecrease time.Time

	baseDelay [delayBuckets]time.Duration // the minimum one-way delay per bucket
	bucketAt  time.Time                   // when the current bucket started
	queue     time.Duration               // the latest feedback's mean queuing delay
	queued    int                         // feedbacks in a row whose queue was over the limit

	ackedBytes   int
	ackedStart   time.Duration // arrival time the window started at (receiver's clock)
	ackedRate    float64
	lostCount    int
	lossTotal    int
	loss         float64
	lastFeedback time.Time
	// reported and lost count every packet transport-wide feedback told of, and those that
	// never arrived, since the start (Stats; the metrics' loss).
	reported, lost uint64

	rembBitrate float64
	rembAt      time.Time

	probeWait time.Duration
	probedAt  time.Time
}

const (
	sentLogSize = 1024
	// startBitrate is the estimate before any feedback: enough for the top layer, since a
	// webinar's viewer should see the speaker sharply at once; congestion brings it down fast.
	startBitrate = 2_500_000
	minBitrate   = 100_000
	// delayBuckets of delayBucket each make the window the base delay is the minimum over.
	delayBuckets = 5
	delayBucket  = 2 * time.Second
	// firstProbeWait is how long the estimate must have held without congestion before the
	// allocator may probe a better layer.
	firstProbeWait = 8 * time.Second
	maxProbeWait   = time.Minute
	feedbackFresh  = 2 * time.Second
	// queuedFeedbacks: a queue counts as congestion once this many feedbacks in a row (about
	// 300 ms) saw it, so a receiver that was briefly descheduled (its arrival times late all at
	// once) does not cost a layer.
	queuedFeedbacks = 3
)

type sentPacket struct {
	seq  uint16
	size uint16
	at   int64 // unix nanoseconds; 0: empty
}

func (e *bandwidthEstimator) init() {
	e.estimate, e.probeWait = startBitrate, firstProbeWait
}

// sent numbers a packet of size bytes sent at and remembers it.
func (e *bandwidthEstimator) sent(size int, at time.Time) uint16 {
	e.mu.Lock()
	seq := e.nextSeq
	e.nextSeq++
	e.log[seq%sentLogSize] = sentPacket{seq: seq, size: uint16(min(size, 0xffff)), at: at.UnixNano()}
	e.mu.Unlock()
	return seq
}

// feedback reads one transport-wide feedback received at now.
func (e *bandwidthEstimator) feedback(fb *rtcp.TransportLayerCC, now time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := fb.FbPktCount
	if e.seenFb[n/64]&(1<<(n%64)) != 0 {
		return
	}
	e.seenFb[n/64] |= 1 << (n % 64)
	far := n + 128
	e.seenFb[far/64] &^= 1 << (far % 64)

	var delaySum time.Duration
	var delayed int
	twccArrivals(fb, func(seq uint16, received bool, arrival time.Duration) bool {
		p := e.log[seq%sentLogSize]
		if p.at == 0 || p.seq != seq {
			return true // not ours, or too old to know
		}
		e.lossTotal++
		e.reported++
		if !received {
			e.lostCount++
			e.lost++
			return true
		}
		owd := arrival - time.Duration(p.at)
		e.noteDelay(owd, now)
		delaySum += owd - e.minDelay()
		delayed++
		if e.ackedBytes == 0 || arrival < e.ackedStart {
			e.ackedStart = arrival
		}
		e.ackedBytes += int(p.size)
		if span := arrival - e.ackedStart; span >= rateWindow {
			e.ackedRate = float64(e.ackedBytes*8) / span.Seconds()
			e.ackedBytes = 0
		}
		return true
	})
	if delayed > 0 {
		e.queue = delaySum / time.Duration(delayed)
	}
	if e.queue > 60*time.Millisecond {
		e.queued++
	} else {
		e.queued = 0
	}
	if e.lossTotal >= 30 {
		e.loss = float64(e.lostCount) / float64(e.lossTotal)
		e.lostCount, e.lossTotal = 0, 0
	}
	e.source, e.lastFeedback = "twcc", now
	e.update(e.loss > 0.10 || e.queued >= queuedFeedbacks, e.loss < 0.02 && e.queue < 20*time.Millisecond, e.ackedRate, now)
}

// noteDelay keeps the minimum one-way delay per bucket.
func (e *bandwidthEstimator) noteDelay(owd time.Duration, now time.Time) {
	if e.bucketAt.IsZero() || now.Sub(e.bucketAt) >= delayBucket {
		copy(e.baseDelay[1:], e.baseDelay[:delayBuckets-1])
		e.baseDelay[0], e.bucketAt = owd, now
		if e.baseDelay[1] == 0 {
			for i := range e.baseDelay {
				e.baseDelay[i] = owd
			}
		}
	}
	e.baseDelay[0] = min(e.baseDelay[0], owd)
}

func (e *bandwidthEstimator) minDelay() time.Duration {
	m := e.baseDelay[0]
	for _, d := range e.baseDelay[1:] {
		m = min(m, d)
	}
	return m
}

// update moves the estimate: down on congestion, up on a clean link, else held. acked is the
// rate the subscriber was seen to receive (0: unknown).
func (e *bandwidthEstimator) update(congested, clean bool, acked float64, now time.Time) {
	switch {
	case congested:
		if now.Sub(e.lastDecrease) < 300*time.Millisecond {
			return
		}
		// Down to 85 % of what got through (not 85 % of the estimate, compounding while a
		// queue drains); without a measured rate, 85 % of the estimate.
		next := e.estimate * 0.85
		if acked > 0 {
			next = min(e.estimate, acked*0.85)
		}
		e.estimate = max(minBitrate, next)
		if now.Sub(e.probedAt) < 2*time.Second {
			e.probeWait = min(2*e.probeWait, maxProbeWait) // the probe congested the link
		}
		e.lastDecrease, e.lastIncrease = now, now
	case clean && now.Sub(e.lastDecrease) > time.Second:
		dt := now.Sub(e.lastIncrease)
		e.lastIncrease = now
		if dt > time.Second {
			dt = time.Second
		}
		ceiling := e.estimate
		if acked > 0 {
			ceiling = max(acked*1.5+100_000, e.estimate)
		}
		e.estimate = min(e.estimate*(1+0.08*dt.Seconds()), ceiling)
	default:
		e.lastIncrease = now
	}
	if !e.rembAt.IsZero() && now.Sub(e.rembAt) < feedbackFresh {
		e.estimate = min(e.estimate, e.rembBitrate)
	}
}

// remb takes a receiver's own estimate; without transport-wide feedback it is the estimate.
func (e *bandwidthEstimator) remb(bitrate uint64, now time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.rembBitrate, e.rembAt = float64(bitrate), now
	if now.Sub(e.lastFeedback) > feedbackFresh {
		e.estimate, e.source = max(minBitrate, e.rembBitrate), "remb"
	}
}

// receiverLoss takes the loss a receiver report tells, for a subscriber that sends no
// transport-wide feedback.
func (e *bandwidthEstimator) receiverLoss(fraction uint8, now time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if now.Sub(e.lastFeedback) <= feedbackFresh {
		return
	}
	loss := float64(fraction) / 256
	e.loss = loss
	e.update(loss > 0.10, loss < 0.02, 0, now)
}

// lossCounts is the latest loss share the subscriber reported (transport-wide feedback, else
// receiver reports), and the packets feedback told of and those lost, since the start.
func (e *bandwidthEstimator) lossCounts() (loss float64, reported, lost uint64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.loss, e.reported, e.lost
}

// current is the estimate in bits/s and what it comes from.
func (e *bandwidthEstimator) current() (uint64, string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return uint64(e.estimate), e.source
}

// probe raises the estimate to want when the link has been clean for the probe wait, so the
// allocator can try a better layer; true if it did. A probe that congests doubles the wait.
func (e *bandwidthEstimator) probe(want uint64, now time.Time) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if float64(want) <= e.estimate || now.Sub(e.lastDecrease) < e.probeWait || now.Sub(e.probedAt) < e.probeWait {
		return false
	}
	if now.Sub(e.probedAt) > e.probeWait+2*time.Second && !e.probedAt.IsZero() {
		e.probeWait = max(firstProbeWait, e.probeWait/2) // the last probe held
	}
	e.estimate, e.probedAt = float64(want), now
	return true
}
