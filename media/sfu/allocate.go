package sfu

import (
	"time"

	"github.com/pion/webrtc/v4"
)

// The allocator shares one subscriber's bandwidth estimate among its subscriptions, a few times
// a second, on the downlink's own goroutine:
//
//  1. audio first: each audio track is reserved what it sends, and at least audioReserve, so
//     video never starves speech;
//  2. what was retransmitted lately, and every single-stream video (which has no layer to
//     choose), come off the budget next;
//  3. every simulcast video gets its lowest layer, then the subscriptions move up a layer in
//     turn while the budget allows, never above the layer the displayed size needs (its cap).
//     Moving above the layer it is on needs 20 % headroom over the extra bitrate, so a
//     subscription does not flap between two layers at the edge of its estimate;
//  4. when a better layer fits the cap but not the budget, the estimator may probe: after
//     sustained headroom it raises the estimate to what that layer needs, and congestion, if
//     it comes, brings it back down (bwe.go).
//
// A subscription is switched by setting its target: the forwarder asks the publisher for a
// keyframe of that layer and the binding switches when it arrives (binding.forward).

const (
	allocateInterval = 200 * time.Millisecond
	// audioReserve is the least an audio track is assumed to need (Opus speech with headers).
	audioReserve = 64_000
	// upgradeHeadroom: moving above the current layer needs this much of its extra bitrate.
	upgradeHeadroom = 1.2
	// keyframeRetry: a keyframe request for a target layer is repeated after this long.
	keyframeRetry = time.Second
)

// allocation is one simulcast subscription being given a layer.
type allocation struct {
	b      *binding
	active uint8 // layers being received, a bit each
	rates  [maxLayers]uint64
	cap    int
	layer  int
}

// allocate runs one round of the allocation above.
func (d *Downlink) allocate(now time.Time) {
	d.mu.Lock()
	bs := append(d.scratch[:0], d.bindings...)
	d.scratch = bs
	d.mu.Unlock()
	estimate, _ := d.bwe.current()
	budget := int64(estimate)
	var subs []allocation
	for _, b := range bs {
		f := b.track.owner
		budget -= int64(b.resent.bitrate())
		switch {
		case b.track.kind == webrtc.RTPCodecTypeAudio:
			budget -= int64(max(b.out.bitrate(), audioReserve))
		case f == nil || !f.simulcast:
			budget -= int64(b.out.bitrate())
		default:
			active, rates := f.activeLayers(now)
			if active != 0 {
				subs = append(subs, allocation{b: b, active: active, rates: rates, cap: int(b.maxLayer.Load())})
			}
		}
	}
	for i := range subs {
		s := &subs[i]
		s.layer = s.lowest()
		budget -= int64(s.rates[s.layer])
	}
	var probeFor int64
	for moved := true; moved; {
		moved = false
		for i := range subs {
			s := &subs[i]
			next, ok := s.next()
			if !ok {
				continue
			}
			need := int64(s.rates[next]) - int64(s.rates[s.layer])
			if next > int(s.b.stats.layer.Load()) {
				need = int64(float64(need) * upgradeHeadroom)
			}
			if need > budget {
				if probeFor == 0 {
					probeFor = need - budget
				}
				continue
			}
			budget -= need
			s.layer, moved = next, true
		}
	}
	if probeFor > 0 {
		d.bwe.probe(estimate+uint64(probeFor), now)
	}
	for _, s := range subs {
		s.b.setTarget(s.layer, now)
	}
}

// lowest is the lowest layer being received.
func (a *allocation) lowest() int {
	for i := range maxLayers {
		if a.active&(1<<i) != 0 {
			return i
		}
	}
	return 0
}

// next is the next better layer being received, within the cap.
func (a *allocation) next() (int, bool) {
	for i := a.layer + 1; i <= a.cap && i < maxLayers; i++ {
		if a.active&(1<<i) != 0 {
			return i, true
		}
	}
	return 0, false
}

// setTarget points the binding at a layer and asks for its keyframe, again if none came.
func (b *binding) setTarget(layer int, now time.Time) {
	prev := b.target.Swap(int32(layer))
	since := time.Unix(0, b.targetSince.Load())
	if prev == int32(layer) && (b.stats.layer.Load() == int32(layer) || now.Sub(since) < keyframeRetry) {
		return
	}
	b.targetSince.Store(now.UnixNano())
	if b.stats.layer.Load() != int32(layer) {
		b.track.owner.requestLayerKeyframe(layer)
	}
}
