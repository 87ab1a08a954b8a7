// Package sfu is the forwarding path of the media service: it copies RTP from one published
// track (one stream, or the layers of a simulcast one: simulcast.go) to one shared local track
// that every subscriber's PeerConnection sends, keeps one shared retransmission history per
// stream and answers subscribers' NACKs from it, drains RTCP and turns keyframe requests into
// PLIs to the publisher. A track with many subscribers spreads each packet's writes over the
// node's cores (fanout_cores.go). Per subscriber it rewrites sequence numbers and timestamps so a layer
// switch is seamless (rewrite.go), estimates the bandwidth from transport-wide feedback or REMB
// (bwe.go) and picks each subscription's layer from it and the displayed size (allocate.go).
// Its counters are read through Stats snapshots (stats.go). It knows nothing of rooms, roles or
// signaling; media/ decides who publishes and who subscribes.
package sfu

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"
)

// ErrForwarderClosed is returned by operations on a forwarder whose remote track has ended.
var ErrForwarderClosed = errors.New("sfu: forwarder closed")

// maxRTPPacket bounds one read; RTP over UDP never exceeds the MTU.
const maxRTPPacket = 1500

// ForwarderParams builds a Forwarder.
type ForwarderParams struct {
	Remote *webrtc.TrackRemote
	// TrackID and StreamID name the local track subscribers see, so a browser can tell whose
	// camera it is (media/ uses the publisher's person id as StreamID).
	TrackID, StreamID string
	// SendPLI asks the publisher for a keyframe (the publisher's PeerConnection.WriteRTCP).
	SendPLI func(mediaSSRC uint32) error
	Logger  *slog.Logger
}

// Forwarder relays one published track: one remote track, or the layers of a simulcast one
// (simulcast.go). All subscribers share its one local track, and each layer has one
// retransmission history: each packet is read once, stored once and written to every bound
// sender that is fed from its layer; a NACKed packet is written again to the one subscriber
// that asked.
type Forwarder struct {
	first     *webrtc.TrackRemote // the remote track the forwarder was built on
	simulcast bool                // the publisher sends layers named by RIDs
	layers    [maxLayers]atomic.Pointer[layer]
	local     *fanoutTrack
	sendPLI   func(uint32) error
	log       *slog.Logger

	open          atomic.Bool // forwarding on; when off, packets are read and dropped
	sinks         atomic.Pointer[[]PacketSink]
	sinkLayer     atomic.Int32 // the layer sinks are fed from: the best one that has started
	sinksMu       sync.Mutex   // serializes AddSink/RemoveSink; Run only loads the pointer
	packets       atomic.Uint64
	read          atomic.Uint64
	bytesIn       atomic.Uint64 // bytes read, added once per rate window (runLayer)
	plis          atomic.Uint64 // keyframe requests sent to the publisher, every layer
	retransmitted atomic.Uint64
	done          chan struct{}
	once          sync.Once
}

// NewForwarder prepares the shared local track; call Run to start relaying.
func NewForwarder(p ForwarderParams) (*Forwarder, error) {
	if p.Remote == nil || p.SendPLI == nil {
		return nil, errors.New("sfu: new forwarder: remote track and SendPLI are required")
	}
	index, ok := layerOfRID(p.Remote.RID())
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownLayer, p.Remote.RID())
	}
	local := newFanoutTrack(p.Remote.Codec().RTPCodecCapability, p.Remote.Kind(), p.TrackID, p.StreamID)
	log := p.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	f := &Forwarder{
		first: p.Remote, simulcast: p.Remote.RID() != "", local: local, sendPLI: p.SendPLI,
		log:  log.With("track", p.TrackID, "kind", p.Remote.Kind().String()),
		done: make(chan struct{}),
	}
	local.owner = f
	f.sinkLayer.Store(int32(index))
	f.layers[index].Store(newLayer(index, p.Remote))
	return f, nil
}

// Local is the track to add to subscribers' PeerConnections.
func (f *Forwarder) Local() webrtc.TrackLocal { return f.local }

// Kind is audio or video.
func (f *Forwarder) Kind() webrtc.RTPCodecType { return f.first.Kind() }

// Packets counts packets forwarded so far (not those dropped while closed to forwarding).
func (f *Forwarder) Packets() uint64 { return f.packets.Load() }

// Retransmitted counts packets written again to a subscriber that NACKed them.
func (f *Forwarder) Retransmitted() uint64 { return f.retransmitted.Load() }

// Received counts packets read from the publisher, forwarded or not.
func (f *Forwarder) Received() uint64 { return f.read.Load() }

// Codec is the publisher's negotiated codec (MIME type, clock rate, channels).
func (f *Forwarder) Codec() webrtc.RTPCodecParameters { return f.first.Codec() }

// PacketSink receives every packet the forwarder forwards, on the forwarding goroutine: it
// must neither block nor keep pkt after returning (copy it), or forwarding slows for everyone.
type PacketSink interface {
	WriteRTP(pkt []byte)
}

// AddSink taps the forwarded packet stream (a recorder); packets flow to it only while
// forwarding is on. Adding the same sink twice has no effect.
func (f *Forwarder) AddSink(s PacketSink) {
	f.sinksMu.Lock()
	defer f.sinksMu.Unlock()
	var sinks []PacketSink
	if cur := f.sinks.Load(); cur != nil {
		sinks = *cur
	}
	for _, x := range sinks {
		if x == s {
			return
		}
	}
	// Copy on write: Run reads the slice without a lock and must never see it change.
	next := append(append(make([]PacketSink, 0, len(sinks)+1), sinks...), s)
	f.sinks.Store(&next)
}

// RemoveSink stops the tap; after it returns, s receives no further packets once the packet
// being handed over (if any) is done.
func (f *Forwarder) RemoveSink(s PacketSink) {
	f.sinksMu.Lock()
	defer f.sinksMu.Unlock()
	cur := f.sinks.Load()
	if cur == nil {
		return
	}
	next := make([]PacketSink, 0, len(*cur))
	for _, x := range *cur {
		if x != s {
			next = append(next, x)
		}
	}
	f.sinks.Store(&next)
}

// Done is closed when the remote track has ended.
func (f *Forwarder) Done() <-chan struct{} { return f.done }

// SetForwarding turns relaying on or off without touching the publisher's connection, so a
// stage grant or removal takes effect at once. Turning it on asks for a keyframe, since
// subscribers cannot decode video until one arrives.
func (f *Forwarder) SetForwarding(on bool) {
	if f.open.Swap(on) != on && on {
		f.RequestKeyframe()
	}
}

// RequestKeyframe sends a PLI to the publisher for every layer; video only (audio has no
// keyframes).
func (f *Forwarder) RequestKeyframe() {
	for i := range f.layers {
		f.requestLayerKeyframe(i)
	}
}

// requestLayerKeyframe sends a PLI for one layer, if the publisher sends it.
func (f *Forwarder) requestLayerKeyframe(index int) {
	if f.first.Kind() != webrtc.RTPCodecTypeVideo || index < 0 || index >= maxLayers {
		return
	}
	l := f.layers[index].Load()
	if l == nil {
		return
	}
	select {
	case <-f.done:
		return
	default:
	}
	if err := f.sendPLI(uint32(l.remote.SSRC())); err != nil {
		f.log.Debug("keyframe request failed", "err", err)
		return
	}
	l.plis.Add(1)
	f.plis.Add(1)
}

// Run relays the first remote track until it ends; the layers added later run on their own
// (AddLayer). Reads continue while forwarding is off so the publisher's receive buffer never
// fills.
func (f *Forwarder) Run() {
	defer f.once.Do(func() { close(f.done) })
	defer f.local.spread.close()
	index, _ := layerOfRID(f.first.RID())
	f.runLayer(f.layers[index].Load())
}

// DrainReceiverRTCP does the same for the publisher side of a receiver.
func DrainReceiverRTCP(receiver *webrtc.RTPReceiver) {
	buf := make([]byte, maxRTPPacket)
	for {
		if _, _, err := receiver.Read(buf); err != nil {
			return
		}
	}
}

// DrainLayerRTCP drains the RTCP of one simulcast layer of a receiver, named by its RID.
func DrainLayerRTCP(receiver *webrtc.RTPReceiver, rid string) {
	buf := make([]byte, maxRTPPacket)
	for {
		if _, _, err := receiver.ReadSimulcast(buf, rid); err != nil {
			return
		}
	}
}

// PLI builds the keyframe request SendPLI implementations write.
func PLI(mediaSSRC uint32) []rtcp.Packet {
	return []rtcp.Packet{&rtcp.PictureLossIndication{MediaSSRC: mediaSSRC}}
}
