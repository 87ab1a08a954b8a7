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

// DownlinkStats is what one subscriber's downlink did: its bandwidth estimate and each of its
// subscriptions.
type DownlinkStats struct {
	// Estimate is the subscriber's bandwidth estimate in bits/s, EstimateSource what it is
	// from: "twcc", "remb" or "" (no feedback yet: the starting estimate).
	Estimate       uint64
	EstimateSource string
	Subscriptions  []SubscriptionStats
}

// Stats is a snapshot of the downlink's counters.
func (d *Downlink) Stats() DownlinkStats {
	now := time.Now()
	est, source := d.bwe.current()
	d.mu.Lock()
	bs := append([]*binding(nil), d.bindings...)
	d.mu.Unlock()
	s := DownlinkStats{Estimate: est, EstimateSource: source, Subscriptions: make([]SubscriptionStats, 0, len(bs))}
	for _, b := range bs {
		s.Subscriptions = append(s.Subscriptions, b.snapshot(now))
	}
	return s
}

// LayerStats is one simulcast layer of a published track.
type LayerStats struct {
	RID     string
	Bitrate uint64 // bits/s the publisher sends lately
	PLIs    uint64 // keyframe requests sent to the publisher for it
}

// ForwarderStats is what a forwarder did with one published track.
type ForwarderStats struct {
	Received, Forwarded, Retransmitted uint64
	Layers                             []LayerStats // the layers being received, lowest first
}

// Stats is a snapshot of the forwarder's counters.
func (f *Forwarder) Stats() ForwarderStats {
	s := ForwarderStats{Received: f.read.Load(), Forwarded: f.packets.Load(), Retransmitted: f.retransmitted.Load()}
	for i := range f.layers {
		if l := f.layers[i].Load(); l != nil {
			s.Layers = append(s.Layers, LayerStats{RID: l.remote.RID(), Bitrate: l.rate.bitrate(), PLIs: l.plis.Load()})
		}
	}
	return s
}
