// Package mediatest is test support for the media service and its clients. Peer (peer.go) is
// a real Pion PeerConnection over loopback that negotiates as the room page does and publishes
// synthetic Opus and VP8; it imports nothing of media, so any test can carry its signals over
// its own signaling socket (Signal is the part of a room frame that negotiation uses). Node
// (node.go) is a whole media node on loopback and a real Postgres, joined by Clients
// (client.go), for the tests of media/room, media/signal, media/control and media/roompage,
// which import it from their external test packages. Nothing in it is mocked, and nothing in
// production uses it.
package mediatest

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"
	pionmedia "github.com/pion/webrtc/v4/pkg/media"
)

// The signal types, the same strings as the room socket's offer, answer and candidate frames.
var (
	SignalOffer     = webrtc.SDPTypeOffer.String()
	SignalAnswer    = webrtc.SDPTypeAnswer.String()
	SignalCandidate = "candidate"
)

// Signal is one negotiation message between a Peer and the media node.
type Signal struct {
	Type      string // SignalOffer, SignalAnswer or SignalCandidate
	SDP       string
	Candidate *webrtc.ICECandidateInit
}

// LoopbackSettings keeps ICE to IPv4 UDP on the loopback interface, so peers connect without
// a network and without gathering candidates on other interfaces.
func LoopbackSettings() webrtc.SettingEngine {
	se := webrtc.SettingEngine{}
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetIncludeLoopbackCandidate(true)
	se.SetInterfaceFilter(func(name string) bool { return name == "lo" })
	return se
}

// PeerParams are what a Peer needs.
type PeerParams struct {
	WebRTC *webrtc.API  // the media node's codecs and interceptors, e.g. on LoopbackSettings()
	Name   string       // the stream id of the tracks it publishes; names it in failures
	Send   func(Signal) // carries its offers, answers and candidates to the node
	// Config is the PeerConnection's configuration, e.g. ICETransportPolicyRelay for a
	// browser that may only relay through TURN; the zero value is Pion's defaults.
	Config webrtc.Configuration
}

// Peer is a browser's PeerConnection: it answers the node's offers, offers its own tracks,
// counts the packets it receives and the keyframe requests it gets as a publisher.
type Peer struct {
	t    testing.TB
	name string
	pc   *webrtc.PeerConnection
	send func(Signal)

	neg     sync.Mutex // one negotiation step at a time
	pending []webrtc.ICECandidateInit

	mu    sync.Mutex
	recv  map[string]int // packets received, by "<stream>/<kind>"
	seqs  map[string]*seqLog
	ssrcs map[string]uint32 // received tracks' SSRCs, by "<stream>/<kind>"
	srs   map[string]int    // sender reports received for a track, by "<stream>/<kind>"
	logs  map[string]*VideoLog
	plis  atomic.Int64
	// closing: the test ended and the PeerConnection is closing; an offer then in flight (a
	// publisher that left first) fails to apply, which is no fault.
	closing atomic.Bool
}

// NewPeer opens the PeerConnection; it is closed when the test ends.
func NewPeer(t testing.TB, params PeerParams) *Peer {
	t.Helper()
	pc, err := params.WebRTC.NewPeerConnection(params.Config)
	if err != nil {
		t.Fatalf("%s: peer connection: %v", params.Name, err)
	}
	p := &Peer{t: t, name: params.Name, pc: pc, send: params.Send, recv: map[string]int{}, seqs: map[string]*seqLog{}, ssrcs: map[string]uint32{}, srs: map[string]int{}, logs: map[string]*VideoLog{}}
	t.Cleanup(func() {
		p.closing.Store(true)
		_ = pc.Close()
	})
	pc.OnICECandidate(func(c *webrtc.ICECandidate) {
		if c != nil {
			init := c.ToJSON()
			p.send(Signal{Type: SignalCandidate, Candidate: &init})
		}
	})
	pc.OnTrack(func(track *webrtc.TrackRemote, receiver *webrtc.RTPReceiver) {
		key := track.StreamID() + "/" + track.Kind().String()
		go p.readSenderReports(receiver, uint32(track.SSRC()), key)
		log := p.VideoLog(track.StreamID())
		p.mu.Lock()
		p.ssrcs[key] = uint32(track.SSRC())
		p.mu.Unlock()
		for {
			pkt, _, err := track.ReadRTP()
			if err != nil {
				return
			}
			p.mu.Lock()
			p.recv[key]++
			p.seqLogLocked(key).add(pkt.SequenceNumber)
			p.mu.Unlock()
			if track.Kind() == webrtc.RTPCodecTypeVideo {
				log.add(pkt, time.Now())
			}
		}
	})
	return p
}

// UseICEServers relays through servers from now on, as the room page makes its
// PeerConnection with the joined frame's: the node sends that frame before any offer, so no
// gathering has started yet.
func (p *Peer) UseICEServers(servers []webrtc.ICEServer) {
	p.neg.Lock()
	defer p.neg.Unlock()
	cfg := p.pc.GetConfiguration()
	cfg.ICEServers = servers
	if err := p.pc.SetConfiguration(cfg); err != nil {
		p.t.Errorf("%s: ICE servers: %v", p.name, err)
	}
}

// HandleSignal applies a signal from the node, answering its offers; it reports whether s
// was a signal at all (other frames are the test's).
func (p *Peer) HandleSignal(s Signal) bool {
	p.neg.Lock()
	defer p.neg.Unlock()
	switch s.Type {
	case SignalOffer:
		if p.pc.SignalingState() == webrtc.SignalingStateHaveLocalOffer && !p.closing.Load() {
			// The room page rolls its offer back (signal.js); Pion cannot (v4.2 refuses
			// have-local-offer→SetLocal(rollback)), and the node drops an offer that crosses
			// its own: the test published while the node was still offering this peer tracks.
			p.t.Errorf("%s: the node's offer crossed this peer's, which Pion cannot roll back: publish once this peer receives what it is being offered", p.name)
			return true
		}
		p.answerLocked(s.SDP)
	case SignalAnswer:
		if err := p.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: s.SDP}); err != nil {
			p.t.Errorf("%s: apply answer: %v", p.name, err)
		}
		p.flushLocked()
	case SignalCandidate:
		switch {
		case s.Candidate == nil:
			p.t.Errorf("%s: candidate signal without a candidate", p.name)
		case p.pc.RemoteDescription() == nil:
			p.pending = append(p.pending, *s.Candidate)
		default:
			if err := p.pc.AddICECandidate(*s.Candidate); err != nil {
				p.t.Errorf("%s: add candidate: %v", p.name, err)
			}
		}
	default:
		return false
	}
	return true
}

func (p *Peer) answerLocked(sdp string) {
	if err := p.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: sdp}); err != nil {
		if !p.closing.Load() {
			p.t.Errorf("%s: apply offer: %v", p.name, err)
		}
		return
	}
	p.flushLocked()
	answer, err := p.pc.CreateAnswer(nil)
	if err == nil {
		err = p.pc.SetLocalDescription(answer)
	}
	if err != nil && (p.closing.Load() || p.pc.ConnectionState() == webrtc.PeerConnectionStateClosed) {
		return // the test ended while an offer was in flight
	}
	if err != nil {
		p.t.Errorf("%s: answer: %v", p.name, err)
		return
	}
	p.send(Signal{Type: SignalAnswer, SDP: answer.SDP})
}

// flushLocked adds the candidates that came before the remote description.
func (p *Peer) flushLocked() {
	for _, c := range p.pending {
		if err := p.pc.AddICECandidate(c); err != nil {
			p.t.Errorf("%s: add candidate: %v", p.name, err)
		}
	}
	p.pending = nil
}

// Offer starts a negotiation from this side, as a browser does after adding its tracks.
func (p *Peer) Offer() {
	p.t.Helper()
	p.neg.Lock()
	defer p.neg.Unlock()
	offer, err := p.pc.CreateOffer(nil)
	if err == nil {
		err = p.pc.SetLocalDescription(offer)
	}
	if err != nil {
		p.t.Fatalf("%s: offer: %v", p.name, err)
	}
	p.send(Signal{Type: SignalOffer, SDP: offer.SDP})
}

// Publish adds synthetic tracks of kinds ("audio": Opus, "video": VP8, "screen": VP8 whose
// track id is "screen", for a shared screen announced with screen.start), offers them and
// writes samples until the test ends. Each track's id is its kind.
func (p *Peer) Publish(kinds ...string) {
	p.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	p.t.Cleanup(cancel)
	for _, kind := range kinds {
		codec := webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}
		payload, every := make([]byte, 120), 20*time.Millisecond
		if kind != "audio" {
			codec = webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}
			payload, every = make([]byte, 3000), 33*time.Millisecond
		}
		track, err := webrtc.NewTrackLocalStaticSample(codec, kind, p.name)
		if err != nil {
			p.t.Fatal(err)
		}
		sender, err := p.pc.AddTrack(track)
		if err != nil {
			p.t.Fatal(err)
		}
		go p.readRTCP(sender)
		go func() {
			// Like a capture device, the media clock follows the wall clock: after a stall
			// (a loaded machine drops ticker ticks) the samples due meanwhile go out at once,
			// so a recording's media time matches the time it ran.
			tick := time.NewTicker(every)
			defer tick.Stop()
			started := time.Now()
			for i := 0; ; {
				select {
				case <-ctx.Done():
					return
				case <-tick.C:
				}
				for due := int(time.Since(started) / every); i < due; i++ {
					if kind != "audio" {
						syntheticVP8(payload, i%30 == 0)
					} else {
						payload[0] = 0x08 // Opus TOC: SILK narrowband, one 20 ms frame
					}
					if err := track.WriteSample(pionmedia.Sample{Data: payload, Duration: every}); err != nil {
						return
					}
				}
			}
		}()
	}
	p.Offer()
}

// readRTCP drains the sender's RTCP, which Pion needs for the sender to work, counting the
// keyframe requests.
func (p *Peer) readRTCP(sender *webrtc.RTPSender) {
	for {
		pkts, _, err := sender.ReadRTCP()
		if err != nil {
			return
		}
		for _, pkt := range pkts {
			if _, ok := pkt.(*rtcp.PictureLossIndication); ok {
				p.plis.Add(1)
			}
		}
	}
}

// Received is how many packets of kind from the peer named stream arrived.
func (p *Peer) Received(stream, kind string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.recv[stream+"/"+kind]
}

// SelectedCandidatePair is the candidate pair the peer's media flows on (one transport,
// bundled): which shows whether it goes directly or through a TURN relay.
func (p *Peer) SelectedCandidatePair(t testing.TB) *webrtc.ICECandidatePair {
	t.Helper()
	for _, r := range p.pc.GetReceivers() {
		if tr := r.Transport(); tr != nil {
			if pair, err := tr.ICETransport().GetSelectedCandidatePair(); err == nil && pair != nil {
				return pair
			}
		}
	}
	t.Fatalf("%s: no selected candidate pair", p.name)
	return nil
}

// KeyframeRequests is how many PLIs the node sent this peer as a publisher.
func (p *Peer) KeyframeRequests() int64 { return p.plis.Load() }

// syntheticVP8 makes frame a VP8 frame header a recorder and a WebM reader accept: a 320×240
// keyframe, or an interframe (RFC 6386 §9.1). Not decodable pictures.
func syntheticVP8(frame []byte, keyframe bool) {
	clear(frame[:10])
	const showFrame, partitionSize = 0x10, 100
	tag := uint32(showFrame | partitionSize<<5)
	if !keyframe {
		tag |= 0x01
	}
	frame[0], frame[1], frame[2] = byte(tag), byte(tag>>8), byte(tag>>16)
	if keyframe {
		frame[3], frame[4], frame[5] = 0x9d, 0x01, 0x2a
		frame[6], frame[7], frame[8], frame[9] = 320&0xff, 320>>8, 240, 0
	}
}

// readSenderReports counts the sender reports that describe the track (its SSRC, something
// sent) until the receiver closes.
func (p *Peer) readSenderReports(receiver *webrtc.RTPReceiver, ssrc uint32, key string) {
	for {
		pkts, _, err := receiver.ReadRTCP()
		if err != nil {
			return
		}
		for _, pkt := range pkts {
			if sr, ok := pkt.(*rtcp.SenderReport); ok && sr.SSRC == ssrc && sr.PacketCount > 0 && sr.NTPTime != 0 {
				p.mu.Lock()
				p.srs[key]++
				p.mu.Unlock()
			}
		}
	}
}

// SenderReports counts the sender reports received for the track of stream and kind.
func (p *Peer) SenderReports(stream, kind string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.srs[stream+"/"+kind]
}
