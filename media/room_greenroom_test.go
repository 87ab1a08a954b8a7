package media

import (
	"testing"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/wire"
)

// Staff waiting in the green room are told when the session starts, once: opening the live
// room again sends nothing more, and someone joining later reads it from their joined frame.
func TestGreenRoomIsToldWhenTheSessionGoesLive(t *testing.T) {
	n := newTestNode(t)
	host := n.join(t, session, "host", authz.SessionHost)
	speaker := n.join(t, session, "speaker", authz.SessionSpeaker)
	for _, p := range []*testPeer{host, speaker} {
		if p.joined.Live == nil || *p.joined.Live {
			t.Fatalf("%s joined a room that is live already (%v), want the green room", p.name, p.joined.Live)
		}
	}

	n.rooms.Open(session)
	for _, p := range []*testPeer{host, speaker} {
		if f := p.expect(wire.FrameLive); f.Live == nil || !*f.Live {
			t.Fatalf("%s: live frame %+v", p.name, f)
		}
	}

	n.rooms.Open(session) // the API may repeat a start; nobody is told twice
	guest := n.join(t, session, "guest", authz.SessionParticipant)
	if guest.joined.Live == nil || !*guest.joined.Live {
		t.Fatalf("a participant joined after the start with live %v", guest.joined.Live)
	}
	others := []*testPeer{speaker, guest}
	for i, frames := range n.barrier(t, host, others...) {
		if seen(frames, wire.FrameLive, nil) {
			t.Errorf("%s got a second live frame after the room was opened again", others[i].name)
		}
	}
}

// A participant may decline a stage invitation: the inviter is told who declined, and the
// invitation is gone (accepting it afterwards is refused).
func TestDeclinedStageInvitationTellsTheInviter(t *testing.T) {
	n := newTestNode(t)
	n.rooms.Open(session)
	host := n.join(t, session, "host", authz.SessionHost)
	moderator := n.join(t, session, "moderator", authz.SessionModerator)
	guest := n.join(t, session, "guest", authz.SessionParticipant)

	guest.send(wire.Frame{Type: wire.FrameStageDecline})
	guest.expectError(wire.CodeNoInvite)

	host.send(wire.Frame{Type: wire.FrameStageInvite, Person: "guest"})
	guest.expect(wire.FrameStageInvited)
	guest.send(wire.Frame{Type: wire.FrameStageDecline})
	if f := host.expect(wire.FrameStageDeclined); f.Person != "guest" || f.Name != "guest" {
		t.Fatalf("declined frame %+v, want guest", f)
	}
	guest.send(wire.Frame{Type: wire.FrameStageAccept})
	guest.expectError(wire.CodeNoInvite)
	if frames := n.barrier(t, host, moderator)[0]; seen(frames, wire.FrameStageDeclined, nil) || seen(frames, wire.FrameStage, nil) {
		t.Errorf("the moderator, who did not invite, was told of the decline or saw a stage change: %+v", frames)
	}
}

// Someone joining late reads the room's state from the joined frame (private questions, the
// call to action on show), and
// staff are told whether breakout groups are running, so the page offers the right button,
// also after a reload.
func TestJoinedAndBreakoutsCarryTheRoomModes(t *testing.T) {
	n := newTestNode(t)
	n.rooms.Open(session)
	host := n.join(t, session, "host", authz.SessionHost)
	if host.joined.PrivateQuestions {
		t.Fatal("a fresh room says private questions are on")
	}
	host.sendRoom(wire.FrameQuestionPrivate, wire.RoomFields{Enabled: boolPtr(true)})
	host.expect(wire.FrameQuestionsPrivate)
	host.sendRoom(wire.FrameCTASend, wire.RoomFields{Text: "Get the slides", URL: "https://example.com/slides"})
	host.expect(wire.FrameCTA)
	late := n.join(t, session, "late", authz.SessionParticipant)
	if !late.joined.PrivateQuestions {
		t.Error("a late joiner is not told that private questions are on")
	}
	if c := late.joined.CTA; c == nil || c.Text != "Get the slides" || c.URL != "https://example.com/slides" {
		t.Errorf("a late joiner's call to action %+v, want the one on show", c)
	}

	host.sendRoom(wire.FrameBreakoutCreate, wire.RoomFields{Names: []string{"Table A"}})
	if f := host.expect(wire.FrameBreakouts); f.Running == nil || *f.Running || len(f.Breakouts) != 1 {
		t.Fatalf("breakouts after create %+v, want one group not running", f)
	}
	host.sendRoom(wire.FrameBreakoutStart, wire.RoomFields{})
	if f := host.expect(wire.FrameBreakouts); f.Running == nil || !*f.Running {
		t.Fatalf("breakouts after start %+v, want running", f)
	}
	// The host reloads the page: it still knows the groups run, so it can end them.
	again := n.join(t, session, "host", authz.SessionHost)
	if j := again.joined; j.Running == nil || !*j.Running || len(j.Breakouts) != 1 || j.Breakouts[0].Name != "Table A" {
		t.Errorf("a reloaded host's joined frame has breakouts %+v running %v, want Table A running", j.Breakouts, j.Running)
	}
	if late.joined.Breakouts != nil {
		t.Errorf("a participant's joined frame lists the breakout groups: %+v", late.joined.Breakouts)
	}
}
