package media

import (
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/uptrace/bun"

	"github.com/onairhq/onair/media/jointoken"
	"github.com/onairhq/onair/media/recording"
	"github.com/onairhq/onair/media/sfu"
	"github.com/onairhq/onair/media/wire"
)

type roomParams struct {
	SessionID string
	Network   Network
	Logger    *slog.Logger
	DB        bun.IDB
	Now       func() time.Time
	// Recordings is where recordings go; nil: this node does not record.
	Recordings *recording.Store
}

// Room is one session's live room: its participants and the tracks they publish. r.mu guards
// membership, roles, stage state and subscriptions; it is never held while waiting on a
// participant's negotiation lock the other way round (room.mu → negotiation, never reverse).
type Room struct {
	sessionID  string
	network    Network
	log        *slog.Logger
	recordings *recording.Store

	mu     sync.Mutex
	live   bool // the session started; before, only roles allowed room.enter_early get in
	closed bool
	people map[string]*Participant
	tracks []*roomTrack
	ev     roomEvents    // chat, questions, polls, moderation, attendance: room_events.go
	rec    roomRecording // see room_recording.go
}

// roomTrack is one track a participant sends us, forwarded only while its owner may publish.
type roomTrack struct {
	owner     *Participant
	fwd       *sfu.Forwarder
	published bool
	senders   map[*Participant]*webrtc.RTPSender
}

func newRoom(p roomParams) *Room {
	log := p.Logger.With("session", p.SessionID)
	return &Room{
		sessionID: p.SessionID, network: p.Network, log: log, recordings: p.Recordings,
		people: map[string]*Participant{},
		ev:     newRoomEvents(p.Now, newRoomWriter(p.DB, log)),
	}
}

// SessionID is the session this room belongs to.
func (r *Room) SessionID() string { return r.sessionID }

// setLive opens the room to everyone and tells those already inside (staff in the green room),
// once: opening a live room again changes nothing. It reports whether this call made it live.
func (r *Room) setLive() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.live {
		return false
	}
	r.live = true
	r.broadcastLocked(wire.Frame{Type: wire.FrameLive, Live: boolPtr(true)})
	r.log.Info("room live", "waiting", len(r.people))
	return true
}

func (r *Room) isLive() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.live
}

// Participants lists who is in the room, by person id.
func (r *Room) Participants() []wire.ParticipantInfo {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.participantsLocked()
}

func (r *Room) participantsLocked() []wire.ParticipantInfo {
	out := make([]wire.ParticipantInfo, 0, len(r.people))
	for _, p := range r.people {
		info := wire.ParticipantInfo{PersonID: p.id, Name: p.name, Role: string(p.role), OnStage: p.contextLocked().OnStage}
		for _, t := range r.tracks {
			if t.owner == p && t.published {
				info.Publishing++
			}
		}
		out = append(out, info)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].PersonID < out[j].PersonID })
	return out
}

// join admits the person the claims name, replacing an older connection of theirs, sends
// them the joined frame with the room as they may see it, and subscribes them to everything
// being published.
func (r *Room) join(c jointoken.Claims, sink sink) (*Participant, error) {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil, ErrRoomClosed
	}
	if err := r.admitLocked(c); err != nil {
		r.mu.Unlock()
		return nil, err
	}
	var renegotiate []*Participant
	old := r.people[c.PersonID]
	if old != nil {
		renegotiate = r.removeLocked(old)
	}
	p, err := newParticipant(participantParams{Room: r, Claims: c, Sink: sink})
	if err != nil {
		r.mu.Unlock()
		return nil, err
	}
	r.people[p.id] = p
	r.startVisitLocked(p, c.WorkspaceID)
	sink.Send(wire.Frame{Type: wire.FrameJoined, Session: c.SessionID, Person: c.PersonID, Name: c.Name,
		Role: string(c.Role), Live: boolPtr(r.live), Recording: r.recordingStateLocked(), RoomFields: r.snapshotLocked(p)})
	r.peopleChangedLocked()
	subscribed := false
	for _, t := range r.tracks {
		if t.published {
			r.subscribeLocked(p, t)
			subscribed = true
		}
	}
	r.mu.Unlock()
	if old != nil {
		old.sink.Send(wire.Frame{Type: wire.FrameBye, Message: "replaced by a newer connection"})
		old.sink.Close("replaced")
		old.closePeer()
	}
	if subscribed {
		p.negotiate()
	}
	negotiateAll(renegotiate)
	r.log.Info("participant joined", "person", c.PersonID, "role", c.Role)
	return p, nil
}

// leave removes p (its connection ended); idempotent.
func (r *Room) leave(p *Participant) {
	r.mu.Lock()
	renegotiate := r.removeLocked(p)
	r.mu.Unlock()
	p.closePeer()
	negotiateAll(renegotiate)
}

func (r *Room) removeLocked(p *Participant) []*Participant {
	if r.people[p.id] != p {
		return nil
	}
	delete(r.people, p.id)
	r.endVisitLocked(p)
	r.peopleChangedLocked()
	var renegotiate []*Participant
	kept := r.tracks[:0]
	for _, t := range r.tracks {
		delete(t.senders, p) // p's PeerConnection is closing; no RemoveTrack needed
		if t.owner == p {
			renegotiate = append(renegotiate, r.unpublishLocked(t)...)
			continue
		}
		kept = append(kept, t)
	}
	r.tracks = kept
	r.log.Info("participant left", "person", p.id)
	return renegotiate
}

// close ends the room; ended says the session is over (a bye room_closed), otherwise the
// node is shutting down and connections just close, which room pages answer by reconnecting.
func (r *Room) close(ended bool) {
	r.mu.Lock()
	r.closed = true
	people := make([]*Participant, 0, len(r.people))
	for _, p := range r.people {
		people = append(people, p)
		r.endVisitLocked(p)
	}
	r.people, r.tracks = map[string]*Participant{}, nil
	rec := r.detachRecordingLocked()
	r.mu.Unlock()
	if rec.session != nil {
		if _, err := rec.session.Stop(); err != nil {
			r.log.Error("stop recording on close", "err", err)
		}
	}
	r.ev.store.stop() // the room's events are in the store before Close returns
	for _, p := range people {
		if ended {
			p.sink.Send(wire.Frame{Type: wire.FrameBye, Code: wire.CodeRoomClosed, Message: "the room closed"})
			p.sink.Close("room closed")
		} else {
			p.sink.Close("media node shutting down")
		}
		p.closePeer()
	}
	r.log.Info("room closed", "session_ended", ended)
}

// addTrack takes a track p started sending; it is forwarded only if p may publish now,
// otherwise refused and reported, and its packets are read and dropped until p may publish.
func (r *Room) addTrack(p *Participant, remote *webrtc.TrackRemote, receiver *webrtc.RTPReceiver) {
	go sfu.DrainReceiverRTCP(receiver)
	fwd, err := sfu.NewForwarder(sfu.ForwarderParams{
		Remote: remote, TrackID: p.id + ":" + remote.ID(), StreamID: p.id,
		SendPLI: func(ssrc uint32) error { return p.pc.WriteRTCP(sfu.PLI(ssrc)) },
		Logger:  r.log.With("person", p.id),
	})
	if err != nil {
		r.log.Error("track refused", "person", p.id, "err", err)
		return
	}
	t := &roomTrack{owner: p, fwd: fwd, senders: map[*Participant]*webrtc.RTPSender{}}
	go r.forward(t)

	r.mu.Lock()
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
	for i, x := range r.tracks {
		if x == t {
			r.tracks = append(r.tracks[:i], r.tracks[i+1:]...)
			break
		}
	}
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
	r.recordTrackLocked(t)
	var renegotiate []*Participant
	for _, q := range r.people {
		if q != t.owner {
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
	var renegotiate []*Participant
	for q, s := range t.senders {
		if err := q.pc.RemoveTrack(s); err != nil {
			r.log.Debug("remove track", "person", q.id, "err", err)
		}
		delete(t.senders, q)
		renegotiate = append(renegotiate, q)
	}
	return renegotiate
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

func (r *Room) broadcastLocked(f wire.Frame) {
	for _, q := range r.people {
		q.sink.Send(f)
	}
}

// negotiateAll sends a fresh offer to each participant once.
func negotiateAll(ps []*Participant) {
	seen := map[*Participant]bool{}
	for _, p := range ps {
		if !seen[p] {
			seen[p] = true
			p.negotiate()
		}
	}
}

func (r *Room) String() string { return fmt.Sprintf("room %s", r.sessionID) }
