package room_test

import (
	"testing"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/mediatest"
	"github.com/onairhq/onair/media/wire"
)

// Staff waiting in the green room are told when the session starts, once: opening the live
// room again sends nothing more, and someone joining later reads it from their joined frame.
func TestGreenRoomIsToldWhenTheSessionGoesLive(t *testing.T) {
	n := mediatest.StartNode(t)
	host := n.Join(t, session, "host", authz.SessionHost)
	speaker := n.Join(t, session, "speaker", authz.SessionSpeaker)
	for _, p := range []*mediatest.Client{host, speaker} {
		if p.Joined.Live == nil || *p.Joined.Live {
			t.Fatalf("%s joined a room that is live already (%v), want the green room", p.Name, p.Joined.Live)
		}
	}

	n.Rooms.Open(session)
	for _, p := range []*mediatest.Client{host, speaker} {
		if f := p.Expect(wire.FrameLive); f.Live == nil || !*f.Live {
			t.Fatalf("%s: live frame %+v", p.Name, f)
		}
	}

	n.Rooms.Open(session) // the API may repeat a start; nobody is told twice
	guest := n.Join(t, session, "guest", authz.SessionParticipant)
	if guest.Joined.Live == nil || !*guest.Joined.Live {
		t.Fatalf("a participant joined after the start with live %v", guest.Joined.Live)
	}
	others := []*mediatest.Client{speaker, guest}
	for i, frames := range n.Barrier(t, host, others...) {
		if mediatest.Seen(frames, wire.FrameLive, nil) {
			t.Errorf("%s got a second live frame after the room was opened again", others[i].Name)
		}
	}
}

// A participant may decline a stage invitation: the inviter is told who declined, and the
// invitation is gone (accepting it afterwards is refused).
func TestDeclinedStageInvitationTellsTheInviter(t *testing.T) {
	n := mediatest.StartNode(t)
	n.Rooms.Open(session)
	host := n.Join(t, session, "host", authz.SessionHost)
	moderator := n.Join(t, session, "moderator", authz.SessionModerator)
	guest := n.Join(t, session, "guest", authz.SessionParticipant)

	guest.Send(wire.Frame{Type: wire.FrameStageDecline})
	guest.ExpectError(wire.CodeNoInvite)

	host.Send(wire.Frame{Type: wire.FrameStageInvite, Person: "guest"})
	guest.Expect(wire.FrameStageInvited)
	guest.Send(wire.Frame{Type: wire.FrameStageDecline})
	if f := host.Expect(wire.FrameStageDeclined); f.Person != "guest" || f.Name != "guest" {
		t.Fatalf("declined frame %+v, want guest", f)
	}
	guest.Send(wire.Frame{Type: wire.FrameStageAccept})
	guest.ExpectError(wire.CodeNoInvite)
	if frames := n.Barrier(t, host, moderator)[0]; mediatest.Seen(frames, wire.FrameStageDeclined, nil) || mediatest.Seen(frames, wire.FrameStage, nil) {
		t.Errorf("the moderator, who did not invite, was told of the decline or saw a stage change: %+v", frames)
	}
}

// Someone joining late reads the room's state from the joined frame (private questions, the
// call to action on show), and
// staff are told whether breakout groups are running, so the page offers the right button,
// also after a reload.
func TestJoinedAndBreakoutsCarryTheRoomModes(t *testing.T) {
	n := mediatest.StartNode(t)
	n.Rooms.Open(session)
	host := n.Join(t, session, "host", authz.SessionHost)
	if host.Joined.PrivateQuestions {
		t.Fatal("a fresh room says private questions are on")
	}
	host.SendRoom(wire.FrameQuestionPrivate, wire.RoomFields{Enabled: boolPtr(true)})
	host.Expect(wire.FrameQuestionsPrivate)
	host.SendRoom(wire.FrameCTASend, wire.RoomFields{Text: "Get the slides", URL: "https://example.com/slides"})
	host.Expect(wire.FrameCTA)
	late := n.Join(t, session, "late", authz.SessionParticipant)
	if !late.Joined.PrivateQuestions {
		t.Error("a late joiner is not told that private questions are on")
	}
	if c := late.Joined.CTA; c == nil || c.Text != "Get the slides" || c.URL != "https://example.com/slides" {
		t.Errorf("a late joiner's call to action %+v, want the one on show", c)
	}

	host.SendRoom(wire.FrameBreakoutCreate, wire.RoomFields{Names: []string{"Table A"}})
	if f := host.Expect(wire.FrameBreakouts); f.Running == nil || *f.Running || len(f.Breakouts) != 1 {
		t.Fatalf("breakouts after create %+v, want one group not running", f)
	}
	host.SendRoom(wire.FrameBreakoutStart, wire.RoomFields{})
	if f := host.Expect(wire.FrameBreakouts); f.Running == nil || !*f.Running {
		t.Fatalf("breakouts after start %+v, want running", f)
	}
	// The host reloads the page: it still knows the groups run, so it can end them.
	again := n.Join(t, session, "host", authz.SessionHost)
	if j := again.Joined; j.Running == nil || !*j.Running || len(j.Breakouts) != 1 || j.Breakouts[0].Name != "Table A" {
		t.Errorf("a reloaded host's joined frame has breakouts %+v running %v, want Table A running", j.Breakouts, j.Running)
	}
	if late.Joined.Breakouts != nil {
		t.Errorf("a participant's joined frame lists the breakout groups: %+v", late.Joined.Breakouts)
	}
}
