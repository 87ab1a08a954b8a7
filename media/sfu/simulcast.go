package sfu

import (
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// Simulcast: a publisher may send one track as up to three layers of one picture, each its own
// RTP stream named by a RID. The forwarder reads each layer on its own goroutine into its own
// history, and every subscriber is fed from exactly one layer at a time (its binding's
// rewriter makes the switches seamless, rewrite.go); which one is its downlink's choice
// (allocate.go), from the size the video is shown at and the subscriber's bandwidth.

// maxLayers: the room page's three layers, lowest quality first.
const maxLayers = 3

// ErrUnknownLayer: a simulcast layer whose RID is not one of the room page's.
var ErrUnknownLayer = errors.New("sfu: unknown simulcast layer")

// layerRIDs name the layers as the room page's sendEncodings do: quarter, half and full size.
var layerRIDs = [maxLayers]string{"q", "h", "f"}

// layerHeights are the heights the room page's layers have when it captures 720p: the size a
// layer is good for (a subscriber showing the video 300 px high needs the 360p layer).
var layerHeights = [maxLayers]int{180, 360, 720}

// layerOfRID is the layer a RID names; a track without a RID is a single layer 0.
func layerOfRID(rid string) (int, bool) {
	if rid == "" {
		return 0, true
	}
	for i, r := range layerRIDs {
		if r == rid {
			return i, true
		}
	}
	return 0, false
}

// layerForHeight is the lowest layer at least as high as a video shown height pixels high (the
// top one for anything larger).
func layerForHeight(height int) int {
	for i, h := range layerHeights {
		if height <= h {
			return i
		}
	}
	return maxLayers - 1
}

// layer is one RTP stream of a published track.
type layer struct {
	index   int
	remote  *webrtc.TrackRemote
	history history
	rate    rateMeter // what the publisher sends on it, read by subscribers' allocators
	plis    atomic.Uint64
}

func newLayer(index int, remote *webrtc.TrackRemote) *layer {
	return &layer{index: index, remote: remote}
}

// AddLayer takes another simulcast layer of the published track and starts relaying it; it
// ends with its remote track. A RID the forwarder already has, or does not know, is refused.
func (f *Forwarder) AddLayer(remote *webrtc.TrackRemote) error {
	index, ok := layerOfRID(remote.RID())
	if !ok || remote.RID() == "" {
		return fmt.Errorf("%w: %q", ErrUnknownLayer, remote.RID())
	}
	l := newLayer(index, remote)
	if !f.layers[index].CompareAndSwap(nil, l) {
		return fmt.Errorf("sfu: layer %q added twice", remote.RID())
	}
	go f.runLayer(l)
	return nil
}

// activeLayers reports, as a bit per layer, which layers received a packet in the last second
// (a publisher's browser stops sending a layer its CPU or uplink cannot afford), and each
// one's bitrate.
func (f *Forwarder) activeLayers(now time.Time) (active uint8, rates [maxLayers]uint64) {
	for i := range f.layers {
		if l := f.layers[i].Load(); l != nil {
			rates[i] = l.rate.bitrate()
			if l.rate.recent(now) {
				active |= 1 << i
			}
		}
	}
	return active, rates
}

// runLayer relays one layer until its remote track ends.
func (f *Forwarder) runLayer(l *layer) {
	// The bytes read are added to the forwarder's count once per rate window, not per packet.
	var unCounted uint64
	defer func() { f.bytesIn.Add(unCounted) }()
	defer f.layers[l.index].CompareAndSwap(l, nil)
	buf := make([]byte, maxRTPPacket)
	fan := new(fanoutPacket) // this reader's packet being written, reused (fanout_cores.go)
	video := f.first.Kind() == webrtc.RTPCodecTypeVideo
	mime := f.first.Codec().MimeType
	for {
		n, _, err := l.remote.Read(buf)
		if err != nil {
			if !errors.Is(err, io.EOF) {
				f.log.Debug("remote track read ended", "rid", l.remote.RID(), "err", err)
			}
			return
		}
		f.read.Add(1)
		now := time.Now()
		unCounted += uint64(n)
		if l.rate.add(n, now) {
			f.bytesIn.Add(unCounted)
			unCounted = 0
		}
		if !f.open.Load() {
			continue
		}
		var h rtp.Header
		hlen, err := h.Unmarshal(buf[:n])
		if err != nil {
			f.log.Debug("unparsable RTP from publisher", "err", err)
			continue
		}
		// Any packet of a single stream is a place to start; a layer of a simulcast track only
		// its keyframes.
		switchPoint := !f.simulcast || (video && keyframeStart(mime, buf[hlen:n]))
		f.feedSinks(l.index, switchPoint, buf[:n])
		// NACK feedback is negotiated for video only (interceptors.go): audio is never resent.
		if video {
			l.history.put(h.SequenceNumber, buf[:n])
		}
		// A write fails only when one binding's transport is closing; that must not stop
		// the others, so it is not fatal.
		if err := f.local.writeAll(fan, l.index, switchPoint, h, buf[hlen:n], now); err != nil && !errors.Is(err, io.ErrClosedPipe) {
			f.log.Debug("forward write", "err", err)
		}
		f.packets.Add(1)
	}
}

// feedSinks gives the packet to the sinks (a recorder) if its layer is theirs. Sinks follow the
// best layer: when a better one than theirs starts, they move to it at its first keyframe.
func (f *Forwarder) feedSinks(index int, switchPoint bool, pkt []byte) {
	sinks := f.sinks.Load()
	if sinks == nil {
		return
	}
	cur := int(f.sinkLayer.Load())
	if index != cur {
		if index < cur || !switchPoint || !f.sinkLayer.CompareAndSwap(int32(cur), int32(index)) {
			return
		}
	}
	for _, s := range *sinks {
		s.WriteRTP(pkt)
	}
}

// rateMeter measures a stream's bitrate over half-second windows. add is called by one
// goroutine (the stream's reader); the bitrate and the time of the last packet are read by
// any.
type rateMeter struct {
	windowStart int64 // unix nanoseconds; owned by the adding goroutine
	windowBytes uint64
	bps         atomic.Uint64
	last        atomic.Int64 // unix nanoseconds of the newest packet
}

const rateWindow = 500 * time.Millisecond

// add counts n bytes at now; true when that closed a window.
func (m *rateMeter) add(n int, now time.Time) bool {
	t := now.UnixNano()
	m.last.Store(t)
	if m.windowStart == 0 {
		m.windowStart = t
	}
	m.windowBytes += uint64(n)
	if elapsed := t - m.windowStart; elapsed >= int64(rateWindow) {
		m.bps.Store(m.windowBytes * 8 * uint64(time.Second) / uint64(elapsed))
		m.windowStart, m.windowBytes = t, 0
		return true
	}
	return false
}

func (m *rateMeter) bitrate() uint64 { return m.bps.Load() }

// recent: a packet arrived within the last second.
func (m *rateMeter) recent(now time.Time) bool {
	last := m.last.Load()
	return last != 0 && now.UnixNano()-last < int64(time.Second)
}
