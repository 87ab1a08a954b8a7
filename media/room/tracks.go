package room

import (
	"github.com/pion/webrtc/v4"

	"github.com/onairhq/onair/media/sfu"
	"github.com/onairhq/onair/media/wire"
)

// The tracks of a room: each one a participant sends is read by an sfu.Forwarder and forwarded
// to everyone else in its owner's place (the main room or their breakout group,
// breakout_media.go) while its owner may publish (the stage rule, stage.go); a subscriber is
// added to or removed from it as people come, go, change roles and move between groups.

// roomTrack is one track a participant sends us, forwarded only while its owner may publish.
type roomTrack struct {
	owner *Participant
	fwd   *sfu.Forwarder
	// remoteID is the publisher's track id; simulcast says its layers arrive as remote tracks
	// of that id with RIDs, which all feed fwd.
	remoteID  string
	simulcast bool
	// source is wire.SourceCamera, SourceScreen or SourceMicrophone: what the track captures
	// (screen.go), so subscribers and the recording tell a shared screen from a camera.
	source    string
	published bool
	senders   map[*Participant]*webrtc.RTPSender
}

// addTrack takes a track p started sending; it is forwarded only if p may publish now,
// otherwise refused and reported, and its packets are read and dropped until p may publish.
// A simulcast track arrives as one remote track per layer: the first makes the room track,
// the others are added to its forwarder as layers.
func (r *Room) addTrack(p *Participant, remote *webrtc.TrackRemote, receiver *webrtc.RTPReceiver) {
	if rid := remote.RID(); rid != "" {
		go sfu.DrainLayerRTCP(receiver, rid)
	} else {
		go sfu.DrainReceiverRTCP(receiver)
	}
	switch {
	case p.kind == kindRelayIn:
		r.addRelayedTrack(p, remote)
		return
	case r.edge != nil:
		r.refuseOnEdge(p, remote)
		return
	}
	source := r.sourceOf(p, remote)
	r.mu.Lock()
	if t := r.simulcastTrackLocked(p, remote); t != nil {
		r.mu.Unlock()
		if err := t.fwd.AddLayer(remote); err != nil {
			r.log.Warn("simulcast layer refused", "person", p.id, "rid", remote.RID(), "err", err)
		}
		return
	}
	fwd, err := sfu.NewForwarder(sfu.ForwarderParams{
		Remote: remote, TrackID: p.id + ":" + remote.ID(), StreamID: streamOf(p, source),
		SendPLI: func(ssrc uint32) error { return p.pc.WriteRTCP(sfu.PLI(ssrc)) },
		Logger:  r.log.With("person", p.id),
	})
	if err != nil {
		r.mu.Unlock()
		r.log.Error("track refused", "person", p.id, "err", err)
		return
	}
	t := &roomTrack{owner: p, fwd: fwd, remoteID: remote.ID(), simulcast: remote.RID() != "",
		source: source, senders: map[*Participant]*webrtc.RTPSender{}}
	go r.forward(t)
	if r.people[p.id] != p {
		r.mu.Unlock()
		return
	}
	r.tracks = append(r.tracks, t)
	decision := p.mayPublishLocked()
	var renegotiate []*Participant
	if decision.Allowed {
		renegotiate = r.publishLocked(t)
	}
	r.mu.Unlock()
	if !decision.Allowed {
		r.log.Info("publish refused", "person", p.id, "kind", remote.Kind().String())
		p.sink.Send(wire.Frame{Type: wire.FrameError, Code: wire.CodePublishRefused, Message: decision.Reason})
	}
	negotiateAll(renegotiate)
}

// simulcastTrackLocked is the room track another layer of remote already made, or nil.
func (r *Room) simulcastTrackLocked(p *Participant, remote *webrtc.TrackRemote) *roomTrack {
	if remote.RID() == "" {
		return nil
	}
	for _, t := range r.tracks {
		if t.owner == p && t.simulcast && t.remoteID == remote.ID() {
			return t
		}
	}
	return nil
}

// forward runs the track's forwarder and forgets the track when its sender stops. In a closed
// room there is nothing to forget, and nobody to renegotiate with: their peers are closing.
func (r *Room) forward(t *roomTrack) {
	t.fwd.Run()
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return
	}
	renegotiate := r.unpublishLocked(t)
	r.forgetTrackLocked(t)
	r.mu.Unlock()
	negotiateAll(renegotiate)
}

func (r *Room) publishLocked(t *roomTrack) []*Participant {
	if t.published {
		return nil
	}
	t.published = true
	t.fwd.SetForwarding(true)
	r.stageFollowsTracksLocked(t.owner)
	r.screensChangedLocked(t)
	r.recordTrackLocked(t)
	var renegotiate []*Participant
	for _, q := range r.subscribersLocked() {
		if r.hearsLocked(q, t) {
			r.subscribeLocked(q, t)
			renegotiate = append(renegotiate, q)
		}
	}
	return renegotiate
}

func (r *Room) unpublishLocked(t *roomTrack) []*Participant {
	if !t.published {
		return nil
	}
	t.published = false
	t.fwd.SetForwarding(false)
	r.stageFollowsTracksLocked(t.owner)
	r.screensChangedLocked(t)
	var renegotiate []*Participant
	for q := range t.senders {
		r.unsubscribeLocked(q, t)
		renegotiate = append(renegotiate, q)
	}
	return renegotiate
}

// unsubscribeLocked takes t off q's PeerConnection; q needs a fresh offer after it.
func (r *Room) unsubscribeLocked(q *Participant, t *roomTrack) {
	if err := q.pc.RemoveTrack(t.senders[q]); err != nil {
		r.log.Debug("remove track", "person", q.id, "err", err)
	}
	delete(t.senders, q)
}

// subscribeNewcomerLocked subscribes p, who just came in, to every published track it hears;
// true when there was one (p needs an offer).
func (r *Room) subscribeNewcomerLocked(p *Participant) bool {
	subscribed := false
	for _, t := range r.tracks {
		if t.published && r.hearsLocked(p, t) {
			r.subscribeLocked(p, t)
			subscribed = true
		}
	}
	return subscribed
}

// subscribeLocked adds t to q's PeerConnection, drains q's RTCP for it (passing q's keyframe
// requests on) and asks the publisher for a keyframe so q's picture starts at once.
func (r *Room) subscribeLocked(q *Participant, t *roomTrack) {
	sender, err := q.pc.AddTrack(t.fwd.Local())
	if err != nil {
		r.log.Warn("subscribe", "person", q.id, "err", err)
		return
	}
	t.senders[q] = sender
	t.fwd.Subscribe(sender, q.downlink)
	t.fwd.RequestKeyframe()
}

// reconcileLocked starts or stops forwarding p's tracks after p's role or stage state changed.
func (r *Room) reconcileLocked(p *Participant) []*Participant {
	may := p.mayPublishLocked().Allowed
	var renegotiate []*Participant
	for _, t := range r.tracks {
		if t.owner != p {
			continue
		}
		if may {
			renegotiate = append(renegotiate, r.publishLocked(t)...)
		} else {
			renegotiate = append(renegotiate, r.unpublishLocked(t)...)
		}
	}
	return renegotiate
}

// MediaStats counts what the room did with one person's media.
type MediaStats struct {
	Tracks    int    // tracks they send
	Read      uint64 // packets read from those tracks
	Forwarded uint64 // packets of those tracks forwarded to subscribers
	// Direct is the packets sent to them by their downlink's direct path (written to the
	// shared UDP socket, not through Pion).
	Direct uint64
}

// MediaStats tells what the room did with personID's media; zero when they are not in it.
func (r *Room) MediaStats(personID string) MediaStats {
	r.mu.Lock()
	defer r.mu.Unlock()
	var s MediaStats
	for _, t := range r.tracks {
		if t.owner.id == personID {
			s.Tracks++
			s.Read += t.fwd.Received()
			s.Forwarded += t.fwd.Packets()
		}
	}
	if p := r.people[personID]; p != nil && p.downlink != nil {
		s.Direct = p.downlink.DirectPackets()
	}
	return s
}
