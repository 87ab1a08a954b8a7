package room_test

import (
	"testing"
	"time"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/mediatest"
	"github.com/onairhq/onair/media/wire"
)

const session = "ses_live_room"

func boolPtr(b bool) *bool { return &b }

func intPtr(i int) *int { return &i }

// A host publishes audio and video; three participants (two already in the room, one joining
// later) receive RTP on both tracks, and the host is asked for a keyframe.
func TestHostPublishesToThreeParticipants(t *testing.T) {
	n := mediatest.StartNode(t)
	n.Rooms.Open(session)
	host := n.Join(t, session, "host", authz.SessionHost)
	viewers := []*mediatest.Client{
		n.Join(t, session, "p1", authz.SessionParticipant),
		n.Join(t, session, "p2", authz.SessionParticipant),
	}
	host.Publish("audio", "video")
	waitReceiving(t, viewers)
	mediatest.WaitFor(t, "a keyframe request to the host", func() bool { return host.KeyframeRequests() > 0 })

	// Someone arriving while the host publishes is subscribed at once, and the host is asked
	// for a fresh keyframe so the newcomer's picture starts without waiting.
	plis := host.KeyframeRequests()
	viewers = append(viewers, n.Join(t, session, "p3", authz.SessionParticipant))
	waitReceiving(t, viewers)
	mediatest.WaitFor(t, "a keyframe request for the newcomer", func() bool { return host.KeyframeRequests() > plis })
	if got := host.Received("host", "video"); got != 0 {
		t.Errorf("the host received its own video back (%d packets)", got)
	}
	// Forwarded media left by the shared socket directly, and each track's sender reports
	// (sent by the downlink, not Pion) describe it: every viewer decrypted both.
	for _, v := range viewers {
		if got := n.DirectPackets(t, session, v.Name); got == 0 {
			t.Errorf("%s: no packet took the direct path", v.Name)
		}
		for _, kind := range []string{"audio", "video"} {
			mediatest.WaitFor(t, v.Name+" getting sender reports for "+kind, func() bool { return v.SenderReports("host", kind) > 0 })
		}
	}
	infos := n.Room(t, session).Participants()
	if len(infos) != 4 || infos[0].PersonID != "host" || infos[0].Publishing != 2 {
		t.Errorf("participants = %+v, want the host publishing 2 tracks and 3 others", infos)
	}
}

func waitReceiving(t *testing.T, viewers []*mediatest.Client) {
	t.Helper()
	for _, v := range viewers {
		for _, kind := range []string{"audio", "video"} {
			mediatest.WaitFor(t, v.Name+" receiving the host's "+kind, func() bool { return v.Received("host", kind) >= 20 })
		}
	}
}

// A participant's unsolicited publish is refused and not forwarded; after an accepted stage
// invitation it is forwarded; after removal from stage it stops.
func TestStageRuleForParticipants(t *testing.T) {
	n := mediatest.StartNode(t)
	n.Rooms.Open(session)
	host := n.Join(t, session, "host", authz.SessionHost)
	viewer := n.Join(t, session, "viewer", authz.SessionParticipant)
	guest := n.Join(t, session, "guest", authz.SessionParticipant)

	guest.Publish("video")
	guest.ExpectError(wire.CodePublishRefused)
	mediatest.WaitFor(t, "the SFU reading the guest's refused track", func() bool {
		read, _, _ := n.TrackStats(t, session, "guest")
		return read >= 30
	})
	if _, forwarded, _ := n.TrackStats(t, session, "guest"); forwarded != 0 {
		t.Fatalf("refused track forwarded %d packets", forwarded)
	}
	if got := viewer.Received("guest", "video"); got != 0 {
		t.Fatalf("viewer received %d packets of a refused track", got)
	}

	// Participants may not invite, and nobody may accept an invitation they never got.
	viewer.Send(wire.Frame{Type: wire.FrameStageInvite, Person: "guest"})
	viewer.ExpectError(wire.CodeDenied)
	guest.Send(wire.Frame{Type: wire.FrameStageAccept})
	guest.ExpectError(wire.CodeNoInvite)

	host.Send(wire.Frame{Type: wire.FrameStageInvite, Person: "guest"})
	if f := guest.Expect(wire.FrameStageInvited); f.Person != "host" {
		t.Fatalf("invitation from %q, want host", f.Person)
	}
	guest.Send(wire.Frame{Type: wire.FrameStageAccept})
	if f := viewer.Expect(wire.FrameStage); f.Person != "guest" || f.OnStage == nil || !*f.OnStage {
		t.Fatalf("stage frame %+v, want guest on stage", f)
	}
	mediatest.WaitFor(t, "viewer receiving the guest's video", func() bool { return viewer.Received("guest", "video") >= 20 })
	mediatest.WaitFor(t, "host receiving the guest's video", func() bool { return host.Received("guest", "video") >= 20 })

	host.Send(wire.Frame{Type: wire.FrameStageRemove, Person: "guest"})
	if f := viewer.Expect(wire.FrameStage); f.Person != "guest" || f.OnStage == nil || *f.OnStage {
		t.Fatalf("stage frame %+v, want guest off stage", f)
	}
	assertForwardingStopped(t, n, viewer, "guest")
}

// assertForwardingStopped checks that while the SFU keeps reading person's packets, none is
// forwarded any more and the viewer's count stays still.
func assertForwardingStopped(t *testing.T, n *mediatest.Node, viewer *mediatest.Client, person string) {
	t.Helper()
	read0, fwd0, _ := n.TrackStats(t, session, person)
	mediatest.WaitFor(t, "the SFU reading more of "+person+"'s packets", func() bool {
		read, _, _ := n.TrackStats(t, session, person)
		return read >= read0+30
	})
	seen := viewer.Received(person, "video")
	read1, _, _ := n.TrackStats(t, session, person)
	mediatest.WaitFor(t, "the SFU reading still more of "+person+"'s packets", func() bool {
		read, _, _ := n.TrackStats(t, session, person)
		return read >= read1+30
	})
	// One packet read just before the stage change may still be in flight.
	if _, fwd, _ := n.TrackStats(t, session, person); fwd > fwd0+1 {
		t.Errorf("forwarded %d packets of %s after the stage change", fwd-fwd0, person)
	}
	if got := viewer.Received(person, "video"); got != seen {
		t.Errorf("viewer received %d more packets of %s after the stage change", got-seen, person)
	}
}

// Role changes apply live: a participant made speaker through the control API is forwarded
// without reconnecting, and made participant again is stopped.
func TestRoleChangeAppliesLive(t *testing.T) {
	n := mediatest.StartNode(t)
	n.Rooms.Open(session)
	viewer := n.Join(t, session, "viewer", authz.SessionParticipant)
	guest := n.Join(t, session, "guest", authz.SessionParticipant)
	guest.Publish("video")
	guest.ExpectError(wire.CodePublishRefused)

	n.Control(t, "PUT", "/control/rooms/"+session+"/participants/guest/role", `{"role":"speaker"}`, 204)
	if f := guest.Expect(wire.FrameRole); f.Role != "speaker" {
		t.Fatalf("role frame %+v, want speaker", f)
	}
	mediatest.WaitFor(t, "viewer receiving the new speaker's video", func() bool { return viewer.Received("guest", "video") >= 20 })

	n.Control(t, "PUT", "/control/rooms/"+session+"/participants/guest/role", `{"role":"participant"}`, 204)
	guest.Expect(wire.FrameRole)
	assertForwardingStopped(t, n, viewer, "guest")
	// The room sees the demoted speaker leave the stage, and their new role in its list.
	offStage := func(f wire.Frame) bool { return f.Person == "guest" && f.OnStage != nil && !*f.OnStage }
	for !offStage(viewer.Expect(wire.FrameStage)) {
	}
	for !hasRole(viewer.Expect(wire.FrameParticipants), "guest", authz.SessionParticipant) {
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

// A role change also holds for a join token issued before it: a speaker demoted while away
// comes back as a participant with the token they fetched earlier, and cannot publish; a token
// issued after the change carries its own role.
func TestRoleChangeHoldsForTokensIssuedBefore(t *testing.T) {
	n := mediatest.StartNode(t)
	n.Rooms.Open(session)
	before := n.Claims(session, "spk", authz.SessionSpeaker)
	before.IssuedAt = time.Now().Add(-30 * time.Second).Unix()
	n.Control(t, "PUT", "/control/rooms/"+session+"/participants/spk/role", `{"role":"participant"}`, 404) // not connected

	p := n.Dial(t, "spk")
	p.Send(wire.Frame{Type: wire.FrameJoin, Session: session, Token: n.TokenFor(t, before)})
	if f := p.Expect(wire.FrameJoined); f.Role != string(authz.SessionParticipant) {
		t.Fatalf("joined as %q with a token issued before the demotion; want participant", f.Role)
	}
	p.Publish("video")
	p.ExpectError(wire.CodePublishRefused)
	p.WS.CloseNow()

	after := n.Claims(session, "spk", authz.SessionSpeaker)
	after.IssuedAt = time.Now().Add(2 * time.Second).Unix() // the API made them a speaker again since
	again := n.Dial(t, "spk-again")
	again.Send(wire.Frame{Type: wire.FrameJoin, Session: session, Token: n.TokenFor(t, after)})
	if f := again.Expect(wire.FrameJoined); f.Role != string(authz.SessionSpeaker) {
		t.Fatalf("joined as %q with a token issued after the change; want its own role, speaker", f.Role)
	}
}

// A person-wide role change (a team member removed from the workspace) holds in every room at
// once, and in a room opened after it for a token issued before it.
func TestPersonRoleChangeHoldsEverywhere(t *testing.T) {
	n := mediatest.StartNode(t)
	n.Control(t, "PUT", "/control/people/mem_gone/role", `{"role":"host"`, 400)
	n.Control(t, "PUT", "/control/people/mem_gone/role", `{"role":"owner"}`, 422)

	n.Rooms.Open(session)
	here := n.Join(t, session, "mem_here", authz.SessionModerator)
	n.Control(t, "PUT", "/control/people/mem_here/role", `{"role":"participant"}`, 204)
	if f := here.Expect(wire.FrameRole); f.Role != string(authz.SessionParticipant) {
		t.Fatalf("connected moderator told role %q; want participant", f.Role)
	}

	const later = "ses_opened_later"
	before := n.Claims(later, "mem_gone", authz.SessionModerator)
	before.IssuedAt = time.Now().Add(-30 * time.Second).Unix()
	n.Control(t, "PUT", "/control/people/mem_gone/role", `{"role":"participant"}`, 204) // no room for it yet
	n.Rooms.Open(later)
	p := n.Dial(t, "mem_gone")
	p.Send(wire.Frame{Type: wire.FrameJoin, Session: later, Token: n.TokenFor(t, before)})
	if f := p.Expect(wire.FrameJoined); f.Role != string(authz.SessionParticipant) {
		t.Fatalf("joined %s as %q with a token issued before the change; want participant", later, f.Role)
	}
}
