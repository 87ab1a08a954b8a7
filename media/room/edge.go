package room

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/onairhq/onair/media/jointoken"
	"github.com/onairhq/onair/media/sfu"
	"github.com/onairhq/onair/media/wire"
)

// The edge side of a room spanning nodes (cascade.go): the room as this node holds it when it
// is an edge, its people connected here and the tracks its origin relays.

// edgeFrames are the frames an edge's person sends that the edge acts on itself: the
// negotiation of their PeerConnection (with this node) and the size they show videos at. All
// others go to the origin.
var edgeFrames = map[string]bool{wire.FrameOffer: true, wire.FrameAnswer: true, wire.FrameCandidate: true, wire.FrameVideoSize: true}

// edgeLink is an edge room's relay to its origin, guarded by Room.mu.
type edgeLink struct {
	originURL string
	link      OriginLink
	relay     *Participant            // kindRelayIn: receives the origin's tracks
	conns     map[string]*Participant // the people connected here, by their name on the relay
	joins     map[string]chan error   // joins waiting for the origin's word
	ready     chan struct{}           // closed once the relay is up or failed (err)
	err       error
}

// joinEdge joins c's person to the room as an edge of it: the room is opened here as an edge
// (its relay dialed) if it was not, and the origin admits them.
func (rs *Rooms) joinEdge(ctx context.Context, c jointoken.Claims, sink Sink, originURL string) (*Room, *Participant, error) {
	r, err := rs.edgeRoom(ctx, c, originURL)
	if err != nil {
		return nil, nil, err
	}
	p, err := r.joinViaOrigin(ctx, c, sink)
	if err != nil {
		return nil, nil, err
	}
	return r, p, nil
}

// edgeRoom is the session's room as an edge: opened by the first join, which dials the origin
// while the others wait for it.
func (rs *Rooms) edgeRoom(ctx context.Context, c jointoken.Claims, originURL string) (*Room, error) {
	rs.mu.Lock()
	r, ok := rs.rooms[c.SessionID]
	if !ok {
		r = rs.getOrCreateLocked(c.SessionID)
		r.edge = &edgeLink{originURL: originURL, conns: map[string]*Participant{}, joins: map[string]chan error{}, ready: make(chan struct{})}
		go rs.dialEdge(r, OriginDial{URL: originURL, SessionID: c.SessionID, WorkspaceID: c.WorkspaceID, NodeID: rs.nodeID}, rs.dialOrigin)
	}
	rs.mu.Unlock()
	if r.edge == nil {
		return nil, fmt.Errorf("%w: the room was opened here as its own", ErrOriginUnreachable)
	}
	select {
	case <-r.edge.ready:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if r.edge.err != nil {
		return nil, r.edge.err
	}
	return r, nil
}

// dialEdge opens the relay of edge room r; failing, the room is forgotten (the next join tries
// again). Once up, the room lasts as long as the relay.
func (rs *Rooms) dialEdge(r *Room, d OriginDial, dial DialOrigin) {
	e := r.edge
	relay, err := newParticipant(participantParams{Room: r, Claims: jointoken.Claims{PersonID: "origin", Name: d.URL},
		Sink: relaySink{r}, Kind: kindRelayIn})
	var link OriginLink
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), joinReadTimeout)
		link, err = dial(ctx, d)
		cancel()
	}
	if err != nil {
		if relay != nil {
			relay.closePeer()
		}
		rs.mu.Lock()
		if rs.rooms[d.SessionID] == r {
			delete(rs.rooms, d.SessionID)
		}
		rs.mu.Unlock()
		e.err = fmt.Errorf("%w: %w", ErrOriginUnreachable, err)
		close(e.ready)
		r.log.Warn("edge: the origin's relay failed", "origin", d.URL, "err", err)
		return
	}
	r.mu.Lock()
	e.link, e.relay = link, relay
	r.live = true
	r.mu.Unlock()
	close(e.ready)
	r.log.Info("edge: relaying the room from its origin", "origin", d.URL)
	err = link.Run(r.fromOrigin)
	r.log.Info("edge: the origin's relay ended; the room closes here", "origin", d.URL, "err", err)
	rs.mu.Lock()
	if rs.rooms[d.SessionID] == r {
		delete(rs.rooms, d.SessionID)
	}
	rs.mu.Unlock()
	r.close(false) // people's pages reconnect, and are placed again
}

// relaySink carries the relay PeerConnection's negotiation to the origin.
type relaySink struct{ r *Room }

func (s relaySink) Send(f wire.Frame) bool {
	return s.r.edge.link != nil && s.r.edge.link.Send(wire.Relay{Type: wire.RelaySignal, Frame: &f})
}

func (s relaySink) Close(string) {}

// fromOrigin acts on what the origin sends (the relay's reading goroutine).
func (r *Room) fromOrigin(m wire.Relay) {
	if m.Type == wire.RelaySignal {
		if m.Frame != nil {
			if err := r.HandleRelay(r.edge.relay, *m.Frame); err != nil {
				r.log.Warn("edge: relay negotiation", "err", err)
			}
		}
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.edge
	p := e.conns[m.Conn]
	if p == nil {
		return
	}
	switch m.Type {
	case wire.RelayDeliver:
		if m.Frame == nil {
			return
		}
		f := *m.Frame
		if f.Type == wire.FrameJoined {
			f.ICEServers = r.network.iceServersFor(p.id) // this node's TURN, not the origin's
		}
		p.sink.Send(f)
		if done := e.joins[m.Conn]; done != nil && f.Type == wire.FrameJoined {
			delete(e.joins, m.Conn)
			done <- nil
		}
	case wire.RelayRefused:
		refused := &RefusedError{Code: "internal", Message: "the room's origin refused the join"}
		if m.Frame != nil {
			refused = &RefusedError{Code: m.Frame.Code, Message: m.Frame.Message}
		}
		if done := e.joins[m.Conn]; done != nil {
			delete(e.joins, m.Conn)
			delete(e.conns, m.Conn)
			done <- refused
		}
	case wire.RelayClose:
		p.sink.Close(m.Reason)
	}
}

// joinViaOrigin admits c's person: their PeerConnection here, their place in the room at the
// origin, whose joined frame reaches them before any of this node's offers.
func (r *Room) joinViaOrigin(ctx context.Context, c jointoken.Claims, sink Sink) (*Participant, error) {
	p, err := newParticipant(participantParams{Room: r, Claims: c, Sink: sink})
	if err != nil {
		return nil, err
	}
	p.conn = newConnName()
	done := make(chan error, 1)
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		p.closePeer()
		return nil, ErrRoomClosed
	}
	r.edge.conns[p.conn], r.edge.joins[p.conn] = p, done
	link := r.edge.link
	r.mu.Unlock()
	claims := c
	if !link.Send(wire.Relay{Type: wire.RelayJoin, Conn: p.conn, Claims: &claims}) {
		err = ErrOriginUnreachable
	} else {
		wait := time.NewTimer(2 * joinReadTimeout)
		defer wait.Stop()
		select {
		case err = <-done:
		case <-wait.C:
			err = fmt.Errorf("%w: no answer to the join", ErrOriginUnreachable)
		case <-ctx.Done():
			err = ctx.Err()
		}
	}
	r.mu.Lock()
	if err == nil && r.closed {
		err = ErrRoomClosed
	}
	if err != nil {
		delete(r.edge.conns, p.conn)
		delete(r.edge.joins, p.conn)
		r.mu.Unlock()
		link.Send(wire.Relay{Type: wire.RelayLeave, Conn: p.conn})
		p.closePeer()
		return nil, err
	}
	if old := r.people[p.id]; old != nil {
		delete(r.people, old.id) // the origin closes its connection (replaced)
	}
	r.people[p.id] = p
	subscribed := r.subscribeNewcomerLocked(p)
	r.mu.Unlock()
	if subscribed {
		p.negotiate()
	}
	r.log.Info("edge: participant joined", "person", c.PersonID, "role", c.Role)
	return p, nil
}

// toOrigin relays a frame of p's to the origin, which answers (an error frame included)
// through the relay.
func (r *Room) toOrigin(p *Participant, f wire.Frame) error {
	if !r.edge.link.Send(wire.Relay{Type: wire.RelayFrame, Conn: p.conn, Frame: &f}) {
		return ErrOriginUnreachable
	}
	return nil
}

// leaveEdge ends p's connection to the edge and tells the origin.
func (r *Room) leaveEdge(p *Participant) {
	r.mu.Lock()
	delete(r.edge.conns, p.conn)
	if r.people[p.id] == p {
		delete(r.people, p.id)
	}
	for _, t := range r.tracks {
		delete(t.senders, p)
	}
	link := r.edge.link
	r.mu.Unlock()
	if link != nil {
		link.Send(wire.Relay{Type: wire.RelayLeave, Conn: p.conn})
	}
	p.closePeer()
}

// addRelayedTrack publishes, to everyone connected here, a track the origin relays: under the
// publisher's own stream and track ids, its keyframe requests sent back on the relay.
func (r *Room) addRelayedTrack(relay *Participant, remote *webrtc.TrackRemote) {
	fwd, err := sfu.NewForwarder(sfu.ForwarderParams{
		Remote: remote, TrackID: remote.ID(), StreamID: remote.StreamID(),
		SendPLI: func(ssrc uint32) error { return relay.pc.WriteRTCP(sfu.PLI(ssrc)) },
		Logger:  r.log.With("relayed", remote.StreamID()),
	})
	if err != nil {
		r.log.Error("edge: relayed track refused", "err", err)
		return
	}
	t := &roomTrack{owner: relay, fwd: fwd, remoteID: remote.ID(), senders: map[*Participant]*webrtc.RTPSender{}}
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return
	}
	r.tracks = append(r.tracks, t)
	t.published = true
	fwd.SetForwarding(true)
	var renegotiate []*Participant
	for _, q := range r.people {
		if r.hearsLocked(q, t) {
			r.subscribeLocked(q, t)
			renegotiate = append(renegotiate, q)
		}
	}
	r.mu.Unlock()
	negotiateAll(renegotiate)
	go func() {
		fwd.Run()
		r.mu.Lock()
		if r.closed {
			r.mu.Unlock()
			return
		}
		var renegotiate []*Participant
		for q := range t.senders {
			r.unsubscribeLocked(q, t)
			renegotiate = append(renegotiate, q)
		}
		r.forgetTrackLocked(t)
		r.mu.Unlock()
		negotiateAll(renegotiate)
	}()
}

// refuseOnEdge drops a track a person connected to an edge sends: published tracks reach a
// room through its origin only.
func (r *Room) refuseOnEdge(p *Participant, remote *webrtc.TrackRemote) {
	r.log.Info("edge: publish refused", "person", p.id, "kind", remote.Kind().String())
	p.sink.Send(wire.Frame{Type: wire.FrameError, Code: wire.CodePublishRefused,
		Message: "this media node relays the room from its origin, where tracks are published: a stage invitation accepted moves you there"})
	go func() {
		buf := make([]byte, 1500)
		for {
			if _, _, err := remote.Read(buf); err != nil {
				return
			}
		}
	}()
}

// closeEdge ends an edge room's relay (the room closed).
func (r *Room) closeEdge() {
	if r.edge == nil {
		return
	}
	r.mu.Lock()
	link, relay := r.edge.link, r.edge.relay
	r.mu.Unlock()
	if link != nil {
		link.Close()
	}
	if relay != nil {
		relay.closePeer()
	}
}

// newConnName names one person's connection on the relay.
func newConnName() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
