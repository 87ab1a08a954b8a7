package sfu

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/pion/rtp"
	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"
)

// errNoCodec: the subscriber's PeerConnection negotiated no codec of the published track.
var errNoCodec = errors.New("sfu: subscriber negotiated no matching codec")

// binding is one subscriber's RTPSender bound to a fan-out track: where its packets go, and
// the SSRC, payload type and clock rate that subscriber negotiated. The write path is in
// binding.go.
type binding struct {
	id          string
	ssrc        uint32
	payloadType uint8
	clockRate   uint32
	writer      webrtc.TrackLocalWriter
	downlink    atomic.Pointer[Downlink] // nil until the subscriber's downlink is attached
	track       *fanoutTrack
	// twccID is the transport-wide sequence number extension's id in the subscriber's session
	// (0: not negotiated): every packet sent carries one, for congestion control (bwe.go).
	twccID uint8

	// target is the layer the downlink's allocator wants this subscriber on (noLayer: any),
	// maxLayer the best one the size it shows the video at needs (SetDisplaySize).
	target, maxLayer atomic.Int32
	// targetSince is when target last changed (unix ns), so a lost keyframe request is repeated.
	targetSince atomic.Int64

	mu     sync.Mutex // the rewriter, the direct path's SRTP state and buffers, the counts
	rw     rewriter
	direct directState
	sent   sentCounts
	ext    [1]rtp.Extension // the header's extensions, kept here so a packet allocates none
	twcc   [2]byte
	out    rateMeter // what the subscriber gets of this track, retransmissions included
	resent rateMeter // its retransmissions alone
	stats  bindingStats
}

// fanoutTrack is the local track every subscriber of one published track sends. It writes each
// packet to every binding (as Pion's TrackLocalStaticRTP does) and can also write one packet to
// one binding: a retransmission from the shared history to the subscriber that NACKed it. The
// binding list is copy-on-write so the per-packet path takes no lock.
type fanoutTrack struct {
	codec        webrtc.RTPCodecCapability
	id, streamID string
	kind         webrtc.RTPCodecType
	owner        *Forwarder
	mu           sync.Mutex // serialises Bind/Unbind/attach/detach; guards downlinks
	bindings     atomic.Pointer[[]*binding]
	// downlinks are the subscribers' downlinks by the SSRC of their sender, attached when the
	// track is added to their PeerConnection, before Pion binds it.
	downlinks map[uint32]*Downlink
	// caps are the layer caps (SetDisplaySize) of senders not bound yet, by SSRC.
	caps map[uint32]int
	// spread shares a packet's writes with helper goroutines when the track has many
	// subscribers (fanout_cores.go).
	spread spreader
}

func newFanoutTrack(codec webrtc.RTPCodecCapability, kind webrtc.RTPCodecType, id, streamID string) *fanoutTrack {
	t := &fanoutTrack{codec: codec, id: id, streamID: streamID, kind: kind, downlinks: map[uint32]*Downlink{}, caps: map[uint32]int{}}
	t.bindings.Store(&[]*binding{})
	t.spread.init(runtime.GOMAXPROCS(0)-1, spreadAbove, spreadChunk)
	return t
}

func (t *fanoutTrack) ID() string                { return t.id }
func (t *fanoutTrack) RID() string               { return "" }
func (t *fanoutTrack) StreamID() string          { return t.streamID }
func (t *fanoutTrack) Kind() webrtc.RTPCodecType { return t.kind }

// Bind picks the subscriber's payload type for our codec: an exact match (mime type, clock
// rate, channels, fmtp) if there is one, else the first of the same mime type.
func (t *fanoutTrack) Bind(ctx webrtc.TrackLocalContext) (webrtc.RTPCodecParameters, error) {
	codec, ok := matchCodec(t.codec, ctx.CodecParameters())
	if !ok {
		return webrtc.RTPCodecParameters{}, fmt.Errorf("%w: %s", errNoCodec, t.codec.MimeType)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	b := &binding{id: ctx.ID(), ssrc: uint32(ctx.SSRC()), payloadType: uint8(codec.PayloadType),
		clockRate: codec.ClockRate, writer: ctx.WriteStream(), track: t, rw: newRewriter()}
	b.target.Store(noLayer)
	b.stats.layer.Store(noLayer)
	b.maxLayer.Store(maxLayers - 1)
	for _, ext := range ctx.HeaderExtensions() {
		if ext.URI == sdp.TransportCCURI {
			b.twccID = uint8(ext.ID)
		}
	}
	if c, ok := t.caps[b.ssrc]; ok {
		b.maxLayer.Store(int32(c))
		delete(t.caps, b.ssrc)
	}
	if d := t.downlinks[b.ssrc]; d != nil {
		b.downlink.Store(d)
		d.add(b)
	}
	old := *t.bindings.Load()
	next := make([]*binding, 0, len(old)+1)
	next = append(append(next, old...), b)
	t.bindings.Store(&next)
	return codec, nil
}

func (t *fanoutTrack) Unbind(ctx webrtc.TrackLocalContext) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	old := *t.bindings.Load()
	next := make([]*binding, 0, len(old))
	for _, b := range old {
		if b.id != ctx.ID() {
			next = append(next, b)
		} else if d := b.downlink.Load(); d != nil {
			d.remove(b)
		}
	}
	t.bindings.Store(&next)
	return nil
}

// attach names the downlink of the subscriber whose sender has ssrc.
func (t *fanoutTrack) attach(ssrc uint32, d *Downlink) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.downlinks[ssrc] = d
	for _, b := range *t.bindings.Load() {
		if b.ssrc == ssrc && b.downlink.Load() == nil {
			b.downlink.Store(d)
			d.add(b)
		}
	}
}

// capLayer caps the layer of the binding with ssrc, now or once it is bound.
func (t *fanoutTrack) capLayer(ssrc uint32, layer int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if b := t.bindingFor(ssrc); b != nil {
		b.maxLayer.Store(int32(layer))
		return
	}
	t.caps[ssrc] = layer
}

// detach forgets the downlink of a sender that has closed.
func (t *fanoutTrack) detach(ssrc uint32) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.downlinks, ssrc)
	delete(t.caps, ssrc)
}

func matchCodec(want webrtc.RTPCodecCapability, offered []webrtc.RTPCodecParameters) (webrtc.RTPCodecParameters, bool) {
	var fallback *webrtc.RTPCodecParameters
	for i, c := range offered {
		if !strings.EqualFold(c.MimeType, want.MimeType) {
			continue
		}
		if c.ClockRate == want.ClockRate && c.Channels == want.Channels && c.SDPFmtpLine == want.SDPFmtpLine {
			return c, true
		}
		if fallback == nil {
			fallback = &offered[i]
		}
	}
	if fallback == nil {
		return webrtc.RTPCodecParameters{}, false
	}
	return *fallback, true
}

// bindingFor finds the subscriber's binding by the SSRC it sends on (a NACK's media SSRC).
func (t *fanoutTrack) bindingFor(ssrc uint32) *binding {
	for _, b := range *t.bindings.Load() {
		if b.ssrc == ssrc {
			return b
		}
	}
	return nil
}
