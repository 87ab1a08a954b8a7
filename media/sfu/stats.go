package sfu

import (
	"sync/atomic"
	"time"
)

// What the forwarding path did, as plain counters a metrics layer can read at any time: the
// snapshots below cost a few atomic loads and a lock per subscription, never anything on the
// packet path.

// bindingStats are one subscription's counters. The atomics are written under the binding's
// lock and read without it; the time per layer is kept under the lock.
type bindingStats struct {
	packets, bytes atomic.Uint64 // sent, retransmissions included
	fallback       atomic.Uint64 // packets sent through Pion rather than the direct path
	nacks          atomic.Uint64 // packets the subscriber NACKed
	retransmitted  atomic.Uint64 // packets sent again for those NACKs
	switches       atomic.Uint64 // layer changes after the first layer
	layer          atomic.Int32  // the layer being forwarded (noLayer before the first)

	since       time.Time // when the current layer started
	timeInLayer [maxLayers]time.Duration
}

// switched records that the subscription moved from one layer to another at now.
func (s *bindingStats) switched(from, to int, now time.Time) {
	if from != noLayer {
		s.timeInLayer[from] += now.Sub(s.since)
		s.switches.Add(1)
	}
	s.since = now
	s.layer.Store(int32(to))
}

// SubscriptionStats is what one subscriber got of one published track.
type SubscriptionStats struct {
	TrackID string
	Kind    string // "audio" or "video"
	// Layer is the layer being forwarded (0 lowest; -1 none yet), TargetLayer the one the
	// allocator wants (-1: any), MaxLayer the best one the displayed size needs.
	Layer, TargetLayer, MaxLayer int
	LayerSwitches                uint64
	TimeInLayer                  [maxLayers]time.Duration
	Packets, Bytes               uint64
	DirectPackets                uint64 // of Packets, written straight to the shared socket
	FallbackPackets              uint64 // of Packets, written through Pion
	NACKs, Retransmitted         uint64
	Bitrate                      uint64 // bits/s sent lately
}

func (b *binding) snapshot(now time.Time) SubscriptionStats {
	b.mu.Lock()
	times, direct := b.stats.timeInLayer, b.direct.sent
	if cur := b.stats.layer.Load(); cur != noLayer && !b.stats.since.IsZero() {
		times[cur] += now.Sub(b.stats.since)
	}
	b.mu.Unlock()
	return SubscriptionStats{
		TrackID: b.track.id, Kind: b.track.kind.String(),
		Layer: int(b.stats.layer.Load()), TargetLayer: int(b.target.Load()), MaxLayer: int(b.maxLayer.Load()),
		LayerSwitches: b.stats.switches.Load(), TimeInLayer: times,
		Packets: b.stats.packets.Load(), Bytes: b.stats.bytes.Load(),
		DirectPackets: direct, FallbackPackets: b.stats.fallback.Load(),
		NACKs: b.stats.nacks.Load(), Retransmitted: b.stats.retransmitted.Load(),
		Bitrate: b.out.bitrate(),
	}
}

// SubscriptionTotals adds up subscriptions: those of a downlink that ended, or a whole node's.
// Time per layer and layer switches count video only (audio has one layer).
type SubscriptionTotals struct {
	Packets, Bytes                 uint64
	DirectPackets, FallbackPackets uint64
	NACKs, Retransmitted           uint64
	LayerSwitches                  uint64
	TimeInLayer                    [maxLayers]time.Duration
}

// Add counts s in t.
func (t *SubscriptionTotals) Add(s SubscriptionStats) {
	one := SubscriptionTotals{Packets: s.Packets, Bytes: s.Bytes, DirectPackets: s.DirectPackets,
		FallbackPackets: s.FallbackPackets, NACKs: s.NACKs, Retransmitted: s.Retransmitted}
	if s.Kind == "video" {
		one.LayerSwitches, one.TimeInLayer = s.LayerSwitches, s.TimeInLayer
	}
	t.Merge(one)
}

// Merge adds o to t.
func (t *SubscriptionTotals) Merge(o SubscriptionTotals) {
	t.Packets += o.Packets
	t.Bytes += o.Bytes
	t.DirectPackets += o.DirectPackets
	t.FallbackPackets += o.FallbackPackets
	t.NACKs += o.NACKs
	t.Retransmitted += o.Retransmitted
	t.LayerSwitches += o.LayerSwitches
	for i, d := range o.TimeInLayer {
		t.TimeInLayer[i] += d
	}
}

// LayerRIDs names the layers as TimeInLayer indexes them, lowest first.
func LayerRIDs() [maxLayers]string { return layerRIDs }

// DownlinkStats is what one subscriber's downlink did: its bandwidth estimate, what the
// subscriber says it lost, and each of its subscriptions.
type DownlinkStats struct {
	// Estimate is the subscriber's bandwidth estimate in bits/s, EstimateSource what it is
	// from: "twcc", "remb" or "" (no feedback yet: the starting estimate).
	Estimate       uint64
	EstimateSource string
	// Loss is the share of packets lost lately, from the subscriber's transport-wide feedback
	// (else its receiver reports); Reported and Lost count the packets that feedback told of,
	// and those that never arrived, since the downlink started.
	Loss           float64
	Reported, Lost uint64
	Subscriptions  []SubscriptionStats
	// Ended adds up the subscriptions that ended (a track unpublished), so that totals over
	// the downlink never go down.
	Ended SubscriptionTotals
}

// Totals adds up the downlink's subscriptions, current and ended.
func (s DownlinkStats) Totals() SubscriptionTotals {
	t := s.Ended
	for _, sub := range s.Subscriptions {
		t.Add(sub)
	}
	return t
}

// Stats is a snapshot of the downlink's counters. The subscriptions are read under the
// downlink's lock, so one that ends meanwhile is counted once, in Ended or in Subscriptions.
func (d *Downlink) Stats() DownlinkStats {
	now := time.Now()
	est, source := d.bwe.current()
	loss, reported, lost := d.bwe.lossCounts()
	s := DownlinkStats{Estimate: est, EstimateSource: source, Loss: loss, Reported: reported, Lost: lost}
	d.mu.Lock()
	defer d.mu.Unlock()
	s.Ended = d.ended
	s.Subscriptions = make([]SubscriptionStats, 0, len(d.bindings))
	for _, b := range d.bindings {
		s.Subscriptions = append(s.Subscriptions, b.snapshot(now))
	}
	return s
}

// Loss is the share of packets the subscriber lost lately (DownlinkStats.Loss).
func (d *Downlink) Loss() float64 {
	loss, _, _ := d.bwe.lossCounts()
	return loss
}

// endedLocked counts a subscription that ends in the downlink's totals.
func (d *Downlink) endedLocked(b *binding) {
	d.ended.Add(b.snapshot(time.Now()))
}

// LayerStats is one simulcast layer of a published track.
type LayerStats struct {
	RID     string
	Index   int    // 0 lowest
	Bitrate uint64 // bits/s the publisher sends lately
	PLIs    uint64 // keyframe requests sent to the publisher for it
}

// ForwarderStats is what a forwarder did with one published track.
type ForwarderStats struct {
	Kind                               string // "audio" or "video"
	Received, Forwarded, Retransmitted uint64
	// ReceivedBytes are the bytes read from the publisher, counted every half second.
	ReceivedBytes uint64
	PLIs          uint64       // keyframe requests sent to the publisher, every layer
	Layers        []LayerStats // the layers being received, lowest first
}

// Stats is a snapshot of the forwarder's counters.
func (f *Forwarder) Stats() ForwarderStats {
	s := ForwarderStats{Kind: f.first.Kind().String(), Received: f.read.Load(), Forwarded: f.packets.Load(),
		Retransmitted: f.retransmitted.Load(), ReceivedBytes: f.bytesIn.Load(), PLIs: f.plis.Load()}
	for i := range f.layers {
		if l := f.layers[i].Load(); l != nil {
			s.Layers = append(s.Layers, LayerStats{RID: l.remote.RID(), Index: i, Bitrate: l.rate.bitrate(), PLIs: l.plis.Load()})
		}
	}
	return s
}
