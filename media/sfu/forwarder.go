// Package sfu is the forwarding path of the media service: it copies RTP from one published
// track to one shared local track that every subscriber's PeerConnection sends, keeps one shared
// retransmission history per published track and answers subscribers' NACKs from it, drains
// RTCP and turns keyframe requests into PLIs to the publisher. It knows nothing of rooms, roles or
// signaling; media/ decides who publishes and who subscribes.
package sfu

import (
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
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

// Forwarder relays one remote track. All subscribers share its one local track and its one
// retransmission history: each packet is read once, stored once and written to every bound
// sender; a NACKed packet is written again to the one subscriber that asked.
type Forwarder struct {
	remote  *webrtc.TrackRemote
	local   *fanoutTrack
	history history
	sendPLI func(uint32) error
	log     *slog.Logger

	open          atomic.Bool // forwarding on; when off, packets are read and dropped
	sinks         atomic.Pointer[[]PacketSink]
	sinksMu       sync.Mutex // serializes AddSink/RemoveSink; Run only loads the pointer
	packets       atomic.Uint64
	read          atomic.Uint64
	retransmitted atomic.Uint64
	done          chan struct{}
	once          sync.Once
}

// NewForwarder prepares the shared local track; call Run to start relaying.
func NewForwarder(p ForwarderParams) (*Forwarder, error) {
	if p.Remote == nil || p.SendPLI == nil {
		return nil, errors.New("sfu: new forwarder: remote track and SendPLI are required")
	}
	local := newFanoutTrack(p.Remote.Codec().RTPCodecCapability, p.Remote.Kind(), p.TrackID, p.StreamID)
	log := p.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Forwarder{
		remote: p.Remote, local: local, sendPLI: p.SendPLI,
		log:  log.With("track", p.TrackID, "kind", p.Remote.Kind().String()),
		done: make(chan struct{}),
	}, nil
}

// Local is the track to add to subscribers' PeerConnections.
func (f *Forwarder) Local() webrtc.TrackLocal { return f.local }

// Kind is audio or video.
func (f *Forwarder) Kind() webrtc.RTPCodecType { return f.remote.Kind() }

// Packets counts packets forwarded so far (not those dropped while closed to forwarding).
func (f *Forwarder) Packets() uint64 { return f.packets.Load() }

// Retransmitted counts packets written again to a subscriber that NACKed them.
func (f *Forwarder) Retransmitted() uint64 { return f.retransmitted.Load() }

// Received counts packets read from the publisher, forwarded or not.
func (f *Forwarder) Received() uint64 { return f.read.Load() }

// Codec is the publisher's negotiated codec (MIME type, clock rate, channels).
func (f *Forwarder) Codec() webrtc.RTPCodecParameters { return f.remote.Codec() }

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

// RequestKeyframe sends a PLI to the publisher; video only (audio has no keyframes).
func (f *Forwarder) RequestKeyframe() {
	if f.remote.Kind() != webrtc.RTPCodecTypeVideo {
		return
	}
	select {
	case <-f.done:
		return
	default:
	}
	if err := f.sendPLI(uint32(f.remote.SSRC())); err != nil {
		f.log.Debug("keyframe request failed", "err", err)
	}
}

// Run relays until the remote track ends. Reads continue while forwarding is off so the
// publisher's receive buffer never fills.
func (f *Forwarder) Run() {
	defer f.once.Do(func() { close(f.done) })
	buf := make([]byte, maxRTPPacket)
	for {
		n, _, err := f.remote.Read(buf)
		if err != nil {
			if !errors.Is(err, io.EOF) {
				f.log.Debug("remote track read ended", "err", err)
			}
			return
		}
		f.read.Add(1)
		if !f.open.Load() {
			continue
		}
		var h rtp.Header
		hlen, err := h.Unmarshal(buf[:n])
		if err != nil {
			f.log.Debug("unparsable RTP from publisher", "err", err)
			continue
		}
		if sinks := f.sinks.Load(); sinks != nil {
			for _, s := range *sinks {
				s.WriteRTP(buf[:n])
			}
		}
		// NACK feedback is negotiated for video only (interceptors.go): audio is never resent.
		if f.remote.Kind() == webrtc.RTPCodecTypeVideo {
			f.history.put(h.SequenceNumber, buf[:n])
		}
		// A write fails only when one binding's transport is closing; that must not stop
		// the others, so it is not fatal.
		if err := f.local.writeAll(h, buf[hlen:n]); err != nil && !errors.Is(err, io.ErrClosedPipe) {
			f.log.Debug("forward write", "err", err)
		}
		f.packets.Add(1)
	}
}

// Subscribe serves one subscriber's sender of this track (added to its PeerConnection and not
// yet negotiated): packets leave through the subscriber's downlink, and its RTCP is read until
// the sender closes — Pion's interceptors (receiver reports) act only on RTCP that someone
// reads — passing keyframe requests on to the publisher and answering NACKs from the shared
// history.
func (f *Forwarder) Subscribe(sender *webrtc.RTPSender, d *Downlink) {
	var ssrc uint32
	if enc := sender.GetParameters().Encodings; len(enc) > 0 {
		ssrc = uint32(enc[0].SSRC)
	}
	f.local.attach(ssrc, d)
	go func() {
		defer f.local.detach(ssrc)
		f.serveSubscriber(sender)
	}()
}

func (f *Forwarder) serveSubscriber(sender *webrtc.RTPSender) {
	scratch := make([]byte, 0, maxRTPPacket)
	var sent retransmitLog
	for {
		pkts, _, err := sender.ReadRTCP()
		if err != nil {
			return
		}
		for _, p := range pkts {
			switch p := p.(type) {
			case *rtcp.PictureLossIndication, *rtcp.FullIntraRequest:
				f.RequestKeyframe()
			case *rtcp.TransportLayerNack:
				scratch = f.retransmit(p, &sent, scratch)
			}
		}
	}
}

// retransmit writes each NACKed packet still in the history to the binding whose SSRC the
// NACK names — the subscriber that asked, and only it — at most maxRetransmits times each.
func (f *Forwarder) retransmit(nack *rtcp.TransportLayerNack, sent *retransmitLog, scratch []byte) []byte {
	b := f.local.bindingFor(nack.MediaSSRC)
	if b == nil {
		return scratch
	}
	for _, pair := range nack.Nacks {
		for _, seq := range pair.PacketList() {
			pkt, ok := f.history.get(seq, scratch)
			if !ok || !sent.allow(seq) {
				continue
			}
			scratch = pkt
			var h rtp.Header
			hlen, err := h.Unmarshal(pkt)
			if err != nil {
				continue
			}
			if err := b.write(&h, pkt[hlen:], time.Time{}); err != nil {
				f.log.Debug("retransmit", "err", err)
				return scratch
			}
			f.retransmitted.Add(1)
		}
	}
	return scratch
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

// PLI builds the keyframe request SendPLI implementations write.
func PLI(mediaSSRC uint32) []rtcp.Packet {
	return []rtcp.Packet{&rtcp.PictureLossIndication{MediaSSRC: mediaSSRC}}
}
