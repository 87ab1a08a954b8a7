package sfu

import (
	"testing"
	"time"

	"github.com/pion/rtcp"
)

// link simulates a bottleneck: packets leave at rate bits/s in order; one that would wait more
// than queue is dropped (a tbf qdisc).
type link struct {
	rate  float64
	queue time.Duration
	free  time.Duration // when the link is next free, since the start
}

// pass returns when a packet of size bytes entering at t arrives, or false if dropped.
func (l *link) pass(t time.Duration, size int) (time.Duration, bool) {
	start := max(t, l.free)
	if start-t > l.queue {
		return 0, false
	}
	l.free = start + time.Duration(float64(size*8)/l.rate*float64(time.Second))
	return l.free + 5*time.Millisecond, true // 5 ms of propagation
}

// runEstimator sends sendRate bits/s of 1200-byte packets through a link for d, reading a
// transport-wide feedback every 100 ms as a receiver sends it, and returns the estimator.
func runEstimator(t *testing.T, sendRate float64, l *link, d time.Duration) *bandwidthEstimator {
	t.Helper()
	e := &bandwidthEstimator{}
	e.init()
	t0 := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	const size = 1200
	interval := time.Duration(float64(size*8) / sendRate * float64(time.Second))
	type report struct {
		seq      uint16
		received bool
		arrival  time.Duration
	}
	var pending []report
	var fbCount uint8
	nextFeedback := 100 * time.Millisecond
	for now := time.Duration(0); now < d; now += interval {
		seq := e.sent(size, t0.Add(now))
		arrival, ok := l.pass(now, size)
		pending = append(pending, report{seq: seq, received: ok, arrival: arrival})
		if now < nextFeedback {
			continue
		}
		// The feedback covers every packet sent up to the last one that has arrived.
		fb := &rtcp.TransportLayerCC{BaseSequenceNumber: pending[0].seq, FbPktCount: fbCount, ReferenceTime: 0}
		fbCount++
		var last time.Duration
		n := 0
		for _, r := range pending {
			if r.received && r.arrival > now {
				break
			}
			n++
			symbol := uint16(rtcp.TypeTCCPacketNotReceived)
			if r.received {
				symbol = rtcp.TypeTCCPacketReceivedLargeDelta
				fb.RecvDeltas = append(fb.RecvDeltas, &rtcp.RecvDelta{Type: symbol, Delta: (r.arrival - last).Microseconds()})
				last = r.arrival.Truncate(time.Microsecond)
			}
			fb.PacketChunks = append(fb.PacketChunks, &rtcp.RunLengthChunk{PacketStatusSymbol: symbol, RunLength: 1})
		}
		fb.PacketStatusCount = uint16(n)
		pending = pending[n:]
		e.feedback(fb, t0.Add(now))
		e.feedback(fb, t0.Add(now)) // the same compound read by a second sender: counted once
		nextFeedback += 100 * time.Millisecond
	}
	return e
}

// Sending 1.5 Mbit/s into a 600 kbit/s link, the estimate falls below the link's rate (its
// queue and losses both say so) and stays near it.
func TestCongestionEstimateFallsToTheBottleneck(t *testing.T) {
	e := runEstimator(t, 1_500_000, &link{rate: 600_000, queue: 200 * time.Millisecond}, 5*time.Second)
	est, source := e.current()
	if source != "twcc" || est > 600_000 || est < 300_000 {
		t.Errorf("estimate %d bit/s from %q through a 600 kbit/s link; want 300–600 kbit/s from twcc", est, source)
	}
}

// A link that carries everything keeps the estimate where it started: no congestion, no drop.
func TestCongestionEstimateHoldsOnACleanLink(t *testing.T) {
	e := runEstimator(t, 1_500_000, &link{rate: 20_000_000, queue: 200 * time.Millisecond}, 5*time.Second)
	if est, _ := e.current(); est < startBitrate {
		t.Errorf("estimate %d bit/s on a clean 20 Mbit/s link; want at least the starting %d", est, startBitrate)
	}
}

// Without transport-wide feedback a REMB is the estimate, and heavy loss in receiver reports
// brings it down; a probe raises it only after sustained headroom.
func TestCongestionEstimateFromREMBAndReceiverReports(t *testing.T) {
	e := &bandwidthEstimator{}
	e.init()
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	e.remb(800_000, now)
	if est, source := e.current(); est != 800_000 || source != "remb" {
		t.Fatalf("estimate %d from %q after a REMB of 800 kbit/s", est, source)
	}
	e.receiverLoss(64, now.Add(time.Second)) // 25 % lost
	if est, _ := e.current(); est >= 800_000 {
		t.Errorf("estimate %d after 25 %% loss; want below the REMB's 800 kbit/s", est)
	}
	if e.probe(2_000_000, now.Add(2*time.Second)) {
		t.Error("probed a second after congestion")
	}
	if !e.probe(2_000_000, now.Add(time.Second+firstProbeWait+time.Millisecond)) {
		t.Error("no probe after sustained headroom")
	}
}
