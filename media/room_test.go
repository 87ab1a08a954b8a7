package media

import (
	"testing"
	"time"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/wire"
)

const session = "ses_live_room"

// A host publishes audio and video; three participants (two already in the room, one joining
// later) receive RTP on both tracks, and the host is asked for a keyframe.
func TestHostPublishesToThreeParticipants(t *testing.T) {
	n := newTestNode(t)
	n.rooms.Open(session)
	host := n.join(t, session, "host", authz.SessionHost)
	viewers := []*testPeer{
		n.join(t, session, "p1", authz.SessionParticipant),
		n.join(t, session, "p2", authz.SessionParticipant),
	}
	host.Publish("audio", "video")
	waitReceiving(t, viewers)
	waitFor(t, "a keyframe request to the host", func() bool { return host.KeyframeRequests() > 0 })

	// Someone arriving while the host publishes is subscribed at once, and the host is asked
	// for a fresh keyframe so the newcomer's picture starts without waiting.
	plis := host.KeyframeRequests()
	viewers = append(viewers, n.join(t, session, "p3", authz.SessionParticipant))
	waitReceiving(t, viewers)
	waitFor(t, "a keyframe request for the newcomer", func() bool { return host.KeyframeRequests() > plis })
	if got := host.Received("host", "video"); got != 0 {
		t.Errorf("the host received its own video back (%d packets)", got)
	}
	// Forwarded media left by the shared socket directly, and each track's sender reports
	// (sent by the downlink, not Pion) describe it: every viewer decrypted both.
	for _, v := range viewers {
		if got := n.directPackets(t, session, v.name); got == 0 {
			t.Errorf("%s: no packet took the direct path", v.name)
		}
		for _, kind := range []string{"audio", "video"} {
			waitFor(t, v.name+" getting sender reports for "+kind, func() bool { return v.SenderReports("host", kind) > 0 })
		}
	}
	infos := n.mustRoom(t).Participants()
	if len(infos) != 4 || infos[0].PersonID != "host" || infos[0].Publishing != 2 {
		t.Errorf("participants = %+v, want the host publishing 2 tracks and 3 others", infos)
	}
}

func waitReceiving(t *testing.T, viewers []*testPeer) {
	t.Helper()
	for _, v := range viewers {
		for _, kind := range []string{"audio", "video"} {
			waitFor(t, v.name+" receiving the host's "+kind, func() bool { return v.Received("host", kind) >= 20 })
		}
	}
}

// A participant's unsolicited publish is refused and not forwarded; after an accepted stage
// invitation it is forwarded; after removal from stage it stops.
func TestStageRuleForParticipants(t *testing.T) {
	n := newTestNode(t)
	n.rooms.Open(session)
	host := n.join(t, session, "host", authz.SessionHost)
	viewer := n.join(t, session, "viewer", authz.SessionParticipant)
	guest := n.join(t, session, "guest", authz.SessionParticipant)

	guest.Publish("video")
	guest.expectError(wire.CodePublishRefused)
	waitFor(t, "the SFU reading the guest's refused track", func() bool {
		read, _, _ := n.trackStats(t, session, "guest")
		return read >= 30
	})
	if _, forwarded, _ := n.trackStats(t, session, "guest"); forwarded != 0 {
		t.Fatalf("refused track forwarded %d packets", forwarded)
	}
	if got := viewer.Received("guest", "video"); got != 0 {
		t.Fatalf("viewer received %d packets of a refused track", got)
	}

	// Participants may not invite, and nobody may accept an invitation they never got.
	viewer.send(wire.Frame{Type: wire.FrameStageInvite, Person: "guest"})
	viewer.expectError(wire.CodeDenied)
	guest.send(wire.Frame{Type: wire.FrameStageAccept})
	guest.expectError(wire.CodeNoInvite)

	host.send(wire.Frame{Type: wire.FrameStageInvite, Person: "guest"})
	if f := guest.expect(wire.FrameStageInvited); f.Person != "host" {
		t.Fatalf("invitation from %q, want host", f.Person)
	}
	guest.send(wire.Frame{Type: wire.FrameStageAccept})
	if f := viewer.expect(wire.FrameStage); f.Person != "guest" || f.OnStage == nil || !*f.OnStage {
		t.Fatalf("stage frame %+v, want guest on stage", f)
	}
	waitFor(t, "viewer receiving the guest's video", func() bool { return viewer.Received("guest", "video") >= 20 })
	waitFor(t, "host receiving the guest's video", func() bool { return host.Received("guest", "video") >= 20 })

	host.send(wire.Frame{Type: wire.FrameStageRemove, Person: "guest"})
	if f := viewer.expect(wire.FrameStage); f.Person != "guest" || f.OnStage == nil || *f.OnStage {
		t.Fatalf("stage frame %+v, want guest off stage", f)
	}
	assertForwardingStopped(t, n, viewer, "guest")
}

// assertForwardingStopped checks that while the SFU keeps reading person's packets, none is
// forwarded any more and the viewer's count stays still.
func assertForwardingStopped(t *testing.T, n *testNode, viewer *testPeer, person string) {
	t.Helper()
	read0, fwd0, _ := n.trackStats(t, session, person)
	waitFor(t, "the SFU reading more of "+person+"'s packets", func() bool {
		read, _, _ := n.trackStats(t, session, person)
		return read >= read0+30
	})
	seen := viewer.Received(person, "video")
	read1, _, _ := n.trackStats(t, session, person)
	waitFor(t, "the SFU reading still more of "+person+"'s packets", func() bool {
		read, _, _ := n.trackStats(t, session, person)
		return read >= read1+30
	})
	// One packet read just before the stage change may still be in flight.
	if _, fwd, _ := n.trackStats(t, session, person); fwd > fwd0+1 {
		t.Errorf("forwarded %d packets of %s after the stage change", fwd-fwd0, person)
	}
	if got := viewer.Received(person, "video"); got != seen {
		t.Errorf("viewer received %d more packets of %s after the stage change", got-seen, person)
	}
}

// Role changes apply live: a participant made speaker through the control API is forwarded
// without reconnecting, and made participant again is stopped.
func TestRoleChangeAppliesLive(t *testing.T) {
	n := newTestNode(t)
	n.rooms.Open(session)
	viewer := n.join(t, session, "viewer", authz.SessionParticipant)
	guest := n.join(t, session, "guest", authz.SessionParticipant)
	guest.Publish("video")
	guest.expectError(wire.CodePublishRefused)

	n.control(t, "PUT", "/control/rooms/"+session+"/participants/guest/role", `{"role":"speaker"}`, 204)
	if f := guest.expect(wire.FrameRole); f.Role != "speaker" {
		t.Fatalf("role frame %+v, want speaker", f)
	}
	waitFor(t, "viewer receiving the new speaker's video", func() bool { return viewer.Received("guest", "video") >= 20 })

	n.control(t, "PUT", "/control/rooms/"+session+"/participants/guest/role", `{"role":"participant"}`, 204)
	guest.expect(wire.FrameRole)
	assertForwardingStopped(t, n, viewer, "guest")
	// The room sees the demoted speaker leave the stage, and their new role in its list.
	offStage := func(f wire.Frame) bool { return f.Person == "guest" && f.OnStage != nil && !*f.OnStage }
	for !offStage(viewer.expect(wire.FrameStage)) {
	}
	for !hasRole(viewer.expect(wire.FrameParticipants), "guest", authz.SessionParticipant) {
	}
}

func hasRole(f wire.Frame, person string, role authz.SessionRole) bool {
	if f.Participants == nil {
		return false
	}
	for _, p := range *f.Participants {
		if p.PersonID == person {
			return p.Role == string(role)
		}
	}
	return false
}

func (n *testNode) mustRoom(t *testing.T) *Room {
	t.Helper()
	r, ok := n.rooms.Get(session)
	if !ok {
		t.Fatalf("no room %s", session)
	}
	return r
}

// A role change also holds for a join token issued before it: a speaker demoted while away
// comes back as a participant with the token they fetched earlier, and cannot publish; a token
// issued after the change carries its own role.
func TestRoleChangeHoldsForTokensIssuedBefore(t *testing.T) {
	n := newTestNode(t)
	n.rooms.Open(session)
	before := n.claims(session, "spk", authz.SessionSpeaker)
	before.IssuedAt = time.Now().Add(-30 * time.Second).Unix()
	n.control(t, "PUT", "/control/rooms/"+session+"/participants/spk/role", `{"role":"participant"}`, 404) // not connected

	p := n.dial(t, "spk")
	p.send(wire.Frame{Type: wire.FrameJoin, Session: session, Token: n.tokenFor(t, before)})
	if f := p.expect(wire.FrameJoined); f.Role != string(authz.SessionParticipant) {
		t.Fatalf("joined as %q with a token issued before the demotion; want participant", f.Role)
	}
	p.Publish("video")
	p.expectError(wire.CodePublishRefused)
	p.ws.CloseNow()

	after := n.claims(session, "spk", authz.SessionSpeaker)
	after.IssuedAt = time.Now().Add(2 * time.Second).Unix() // the API made them a speaker again since
	again := n.dial(t, "spk-again")
	again.send(wire.Frame{Type: wire.FrameJoin, Session: session, Token: n.tokenFor(t, after)})
	if f := again.expect(wire.FrameJoined); f.Role != string(authz.SessionSpeaker) {
		t.Fatalf("joined as %q with a token issued after the change; want its own role, speaker", f.Role)
	}
}

// A person-wide role change (a team member removed from the workspace) holds in every room at
// once, and in a room opened after it for a token issued before it.
func TestPersonRoleChangeHoldsEverywhere(t *testing.T) {
	n := newTestNode(t)
	n.control(t, "PUT", "/control/people/mem_gone/role", `{"role":"host"`, 400)
	n.control(t, "PUT", "/control/people/mem_gone/role", `{"role":"owner"}`, 422)

	n.rooms.Open(session)
	here := n.join(t, session, "mem_here", authz.SessionModerator)
	n.control(t, "PUT", "/control/people/mem_here/role", `{"role":"participant"}`, 204)
	if f := here.expect(wire.FrameRole); f.Role != string(authz.SessionParticipant) {
		t.Fatalf("connected moderator told role %q; want participant", f.Role)
	}

	const later = "ses_opened_later"
	before := n.claims(later, "mem_gone", authz.SessionModerator)
	before.IssuedAt = time.Now().Add(-30 * time.Second).Unix()
	n.control(t, "PUT", "/control/people/mem_gone/role", `{"role":"participant"}`, 204) // no room for it yet
	n.rooms.Open(later)
	p := n.dial(t, "mem_gone")
	p.send(wire.Frame{Type: wire.FrameJoin, Session: later, Token: n.tokenFor(t, before)})
	if f := p.expect(wire.FrameJoined); f.Role != string(authz.SessionParticipant) {
		t.Fatalf("joined %s as %q with a token issued before the change; want participant", later, f.Role)
	}
}
