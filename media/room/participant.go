package room

import (
	"fmt"
	"log/slog"
	"sync"

	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/jointoken"
	"github.com/onairhq/onair/media/sfu"
	"github.com/onairhq/onair/media/wire"
)

// Sink is where a participant's outgoing frames go: their signaling connection (media/signal).
// Send never blocks (a slow peer is dropped, never waited on); Close ends the connection.
type Sink interface {
	Send(wire.Frame) bool
	Close(reason string)
}

// maxPendingCandidates bounds ICE candidates buffered before the remote description arrives.
const maxPendingCandidates = 64

type participantParams struct {
	Room   *Room
	Claims jointoken.Claims
	Sink   Sink
	Kind   participantKind
}

// participantKind tells a browser's participant from those of a room spanning nodes
// (cascade.go): a person on an edge node as the origin sees them, and the relays.
type participantKind int

const (
	// kindLocal: a person connected to this node, with their PeerConnection.
	kindLocal participantKind = iota
	// kindRemote (origin): a person connected to an edge node; in the room for its events,
	// attendance and cap, with no PeerConnection here (the edge carries their media).
	kindRemote
	// kindRelayOut (origin): an edge node's PeerConnection, subscribed to every track published
	// in the main room; not a person.
	kindRelayOut
	// kindRelayIn (edge): the PeerConnection receiving the origin's tracks; not a person.
	kindRelayIn
)

// Participant is one person in a room with their one PeerConnection, which carries both what
// they publish and what they receive. role, onStage and the invitation are guarded by room.mu.
type Participant struct {
	room *Room
	id   string
	name string
	sink Sink
	kind participantKind
	// conn names the connection on the relay of a room spanning nodes (cascade.go): an edge's
	// participant as both nodes call it.
	conn string
	pc   *webrtc.PeerConnection // nil for kindRemote
	// downlink is how what q subscribes to leaves for q's PeerConnection (sfu.Downlink).
	downlink *sfu.Downlink
	log      *slog.Logger

	role      authz.SessionRole
	onStage   bool
	invitedBy string // who sent the pending stage invitation ("": none), told if it is declined
	// quality is the latest connection quality p's page reported, level adjusted (quality.go).
	quality *wire.ConnectionQuality
	// screenTrack is the id of the track p announced as their screen (screen.go; "": none).
	screenTrack string

	// negotiation: one offer/answer exchange at a time; needOffer remembers that tracks
	// changed while an exchange was under way.
	neg        sync.Mutex
	needOffer  bool
	candidates []webrtc.ICECandidateInit

	// Our own candidates are held until the first description is sent: a browser cannot add
	// a candidate before the offer or answer it belongs to.
	out        sync.Mutex
	descSent   bool
	ownPending []webrtc.ICECandidateInit
}

func newParticipant(p participantParams) (*Participant, error) {
	if p.Kind == kindRemote {
		return &Participant{room: p.Room, id: p.Claims.PersonID, name: p.Claims.Name, role: p.Claims.Role, sink: p.Sink, kind: kindRemote,
			log: p.Room.log.With("person", p.Claims.PersonID, "remote", true)}, nil
	}
	pc, downlink, err := p.Room.network.newPeer()
	if err != nil {
		return nil, err
	}
	part := &Participant{
		room: p.Room, id: p.Claims.PersonID, name: p.Claims.Name, role: p.Claims.Role,
		sink: p.Sink, kind: p.Kind, pc: pc, downlink: downlink, log: p.Room.log.With("person", p.Claims.PersonID),
	}
	pc.OnICECandidate(func(c *webrtc.ICECandidate) {
		if c != nil {
			part.sendCandidate(c.ToJSON())
		}
	})
	pc.OnTrack(func(remote *webrtc.TrackRemote, receiver *webrtc.RTPReceiver) {
		p.Room.addTrack(part, remote, receiver)
	})
	pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		if s == webrtc.PeerConnectionStateConnected {
			downlink.Connected(pc)
		}
		if s == webrtc.PeerConnectionStateFailed {
			part.log.Info("peer connection failed")
			part.sink.Close("peer connection failed")
		}
	})
	return part, nil
}

// ID is the person id from the join token.
func (p *Participant) ID() string { return p.id }

func (p *Participant) contextLocked() authz.RoomContext {
	return authz.RoomContext{Role: p.role, OnStage: p.onStage || p.room.onStageByTracksLocked(p)}
}

func (p *Participant) canLocked(a authz.Action) error {
	return authz.CanInRoom(p.contextLocked(), a).Err()
}

func (p *Participant) mayPublishLocked() authz.Decision {
	if p.room.inBreakoutLocked(p) {
		return authz.Decision{Allowed: true, Action: authz.StageJoin} // everyone in a breakout group may speak in it
	}
	return authz.CanInRoom(p.contextLocked(), authz.StageJoin)
}

// receivesMedia: a person connected here, or an edge's relay; not a remote person.
func (p *Participant) receivesMedia() bool { return p.pc != nil && p.kind != kindRelayIn }

func (p *Participant) closePeer() {
	if p.pc == nil {
		return
	}
	p.downlink.Close()
	if err := p.pc.Close(); err != nil {
		p.log.Debug("close peer connection", "err", err)
	}
}

// negotiate offers the current set of tracks, or remembers to once the exchange in flight ends.
func (p *Participant) negotiate() {
	p.neg.Lock()
	defer p.neg.Unlock()
	p.offerLocked()
}

func (p *Participant) offerLocked() {
	if p.pc == nil || p.pc.ConnectionState() == webrtc.PeerConnectionStateClosed {
		return
	}
	if p.pc.SignalingState() != webrtc.SignalingStateStable {
		p.needOffer = true
		return
	}
	p.needOffer = false
	offer, err := p.pc.CreateOffer(nil)
	if err == nil {
		err = p.pc.SetLocalDescription(offer)
	}
	if err != nil {
		p.log.Warn("create offer", "err", err)
		return
	}
	p.sendDescription(wire.Frame{Type: wire.FrameOffer, SDP: offer.SDP})
}

func (p *Participant) sendDescription(f wire.Frame) {
	p.out.Lock()
	defer p.out.Unlock()
	p.sink.Send(f)
	p.descSent = true
	for i := range p.ownPending {
		p.sink.Send(wire.Frame{Type: wire.FrameCandidate, Candidate: &p.ownPending[i]})
	}
	p.ownPending = nil
}

func (p *Participant) sendCandidate(c webrtc.ICECandidateInit) {
	p.out.Lock()
	defer p.out.Unlock()
	if !p.descSent {
		p.ownPending = append(p.ownPending, c)
		return
	}
	p.sink.Send(wire.Frame{Type: wire.FrameCandidate, Candidate: &c})
}

// handleOffer applies the browser's offer (it publishes something). The server is the
// impolite side of "perfect negotiation", since Pion cannot roll back a local offer: an offer
// crossing one of ours is dropped, and the page rolls its own back, answers ours and offers
// again (signal.js).
func (p *Participant) handleOffer(sdp string) error {
	if p.pc == nil {
		return fmt.Errorf("%w: this connection carries no media here", ErrBadSDP)
	}
	p.neg.Lock()
	defer p.neg.Unlock()
	if p.pc.SignalingState() == webrtc.SignalingStateHaveLocalOffer {
		p.log.Debug("offer crossed ours: dropped, the page offers again after answering")
		return nil
	}
	if err := checkSDP(sdp); err != nil {
		return err
	}
	if err := p.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: sdp}); err != nil {
		if p.pc.SignalingState() != webrtc.SignalingStateStable {
			return fmt.Errorf("%w: %v", ErrNegotiationBroken, err)
		}
		return fmt.Errorf("%w: %v", ErrBadSDP, err)
	}
	p.flushCandidatesLocked()
	answer, err := p.pc.CreateAnswer(nil)
	if err == nil {
		err = p.pc.SetLocalDescription(answer)
	}
	if err != nil {
		return fmt.Errorf("%w: answer: %v", ErrBadSDP, err)
	}
	p.sendDescription(wire.Frame{Type: wire.FrameAnswer, SDP: answer.SDP})
	if p.needOffer {
		p.offerLocked()
	}
	return nil
}

// checkSDP refuses descriptions Pion would half-apply before failing (it commits the signaling
// state first and cannot roll back a remote offer): unparsable ones, and ones lacking media
// sections, mids, ICE credentials or a DTLS fingerprint.
func checkSDP(raw string) error {
	var d sdp.SessionDescription
	if err := d.UnmarshalString(raw); err != nil {
		return fmt.Errorf("%w: %v", ErrBadSDP, err)
	}
	if len(d.MediaDescriptions) == 0 {
		return fmt.Errorf("%w: no media sections", ErrBadSDP)
	}
	for _, m := range d.MediaDescriptions {
		if _, ok := m.Attribute("mid"); !ok {
			return fmt.Errorf("%w: media section without mid", ErrBadSDP)
		}
		for _, attr := range []string{"ice-ufrag", "ice-pwd", "fingerprint"} {
			_, inMedia := m.Attribute(attr)
			_, inSession := d.Attribute(attr)
			if !inMedia && !inSession {
				return fmt.Errorf("%w: media section without %s", ErrBadSDP, attr)
			}
		}
	}
	return nil
}

// handleAnswer completes an exchange the server started.
func (p *Participant) handleAnswer(sdp string) error {
	if p.pc == nil {
		return fmt.Errorf("%w: this connection carries no media here", ErrBadSDP)
	}
	p.neg.Lock()
	defer p.neg.Unlock()
	if p.pc.SignalingState() != webrtc.SignalingStateHaveLocalOffer {
		return fmt.Errorf("%w: no offer is waiting for an answer", ErrBadSDP)
	}
	if err := checkSDP(sdp); err != nil {
		return err
	}
	if err := p.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: sdp}); err != nil {
		return fmt.Errorf("%w: %v", ErrNegotiationBroken, err) // Pion may have committed it half-way
	}
	p.flushCandidatesLocked()
	if p.needOffer {
		p.offerLocked()
	}
	return nil
}

// handleCandidate adds a trickled ICE candidate, buffering it (bounded) until the remote
// description it belongs to has arrived.
func (p *Participant) handleCandidate(candidate *webrtc.ICECandidateInit) error {
	if candidate == nil || candidate.Candidate == "" {
		return ErrBadCandidate
	}
	c := *candidate
	if p.pc == nil {
		return fmt.Errorf("%w: this connection carries no media here", ErrBadCandidate)
	}
	p.neg.Lock()
	defer p.neg.Unlock()
	if p.pc.RemoteDescription() == nil {
		if len(p.candidates) >= maxPendingCandidates {
			return fmt.Errorf("%w: too many candidates before an offer", ErrBadCandidate)
		}
		p.candidates = append(p.candidates, c)
		return nil
	}
	if err := p.pc.AddICECandidate(c); err != nil {
		return fmt.Errorf("%w: %v", ErrBadCandidate, err)
	}
	return nil
}

func (p *Participant) flushCandidatesLocked() {
	for _, c := range p.candidates {
		if err := p.pc.AddICECandidate(c); err != nil {
			p.log.Debug("buffered candidate refused", "err", err)
			p.sink.Send(wire.Frame{Type: wire.FrameError, Code: wire.CodeBadCandidate, Message: err.Error()})
		}
	}
	p.candidates = nil
}
