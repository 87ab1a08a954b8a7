package room_test

import (
	"strings"
	"testing"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/mediatest"
	"github.com/onairhq/onair/media/wire"
)

// screensIn is the person ids of a screens frame's shares, checking each names its stream.
func screensIn(t *testing.T, f wire.Frame) []string {
	t.Helper()
	if f.Screens == nil {
		t.Fatalf("%s frame without a screens list", f.Type)
	}
	var people []string
	for _, s := range *f.Screens {
		if s.Stream != wire.ScreenStream(s.Person) || s.Name == "" {
			t.Fatalf("screen %+v: want the person's screen stream and name", s)
		}
		people = append(people, s.Person)
	}
	return people
}

// TestScreenShareBySpeaker: a speaker shares a screen beside their camera; everyone receives it
// as the speaker's screen stream and is told who shares, a late joiner too; stopping removes
// it for everyone at once while the camera goes on.
func TestScreenShareBySpeaker(t *testing.T) {
	n := mediatest.StartNode(t)
	n.Rooms.Open(session)
	speaker := n.Join(t, session, "speaker", authz.SessionSpeaker)
	viewer := n.Join(t, session, "viewer", authz.SessionParticipant)

	speaker.Send(wire.Frame{Type: wire.FrameScreenStart, RoomFields: wire.RoomFields{ID: "screen"}})
	speaker.Publish("video", "screen")
	if got := screensIn(t, viewer.Expect(wire.FrameScreens)); len(got) != 1 || got[0] != "speaker" {
		t.Fatalf("screens %v, want the speaker's", got)
	}
	screen := wire.ScreenStream("speaker")
	mediatest.WaitFor(t, "the viewer receiving the speaker's screen", func() bool { return viewer.Received(screen, "video") >= 20 })
	mediatest.WaitFor(t, "the viewer receiving the speaker's camera", func() bool { return viewer.Received("speaker", "video") >= 20 })

	late := n.Join(t, session, "late", authz.SessionParticipant)
	if got := screensIn(t, late.Joined); len(got) != 1 || got[0] != "speaker" {
		t.Fatalf("late joiner's screens %v, want the speaker's", got)
	}
	mediatest.WaitFor(t, "the late joiner receiving the screen", func() bool { return late.Received(screen, "video") >= 20 })

	speaker.Send(wire.Frame{Type: wire.FrameScreenStop})
	for _, c := range []*mediatest.Client{viewer, late} {
		if got := screensIn(t, c.Expect(wire.FrameScreens)); len(got) != 0 {
			t.Fatalf("%s: screens %v after the stop, want none", c.Name, got)
		}
	}
	stopped := viewer.Received(screen, "video")
	camera := viewer.Received("speaker", "video")
	mediatest.WaitFor(t, "the camera going on", func() bool { return viewer.Received("speaker", "video") >= camera+30 })
	if got := viewer.Received(screen, "video"); got > stopped+5 {
		t.Fatalf("the screen still forwarded after its stop: %d packets, %d at the stop", got, stopped)
	}
}

// TestScreenShareRefusedToParticipant: a participant not invited on stage is refused a screen
// by the server, both the announcement and the track itself; nobody receives it.
func TestScreenShareRefusedToParticipant(t *testing.T) {
	n := mediatest.StartNode(t)
	n.Rooms.Open(session)
	viewer := n.Join(t, session, "viewer", authz.SessionParticipant)
	guest := n.Join(t, session, "guest", authz.SessionParticipant)

	guest.Send(wire.Frame{Type: wire.FrameScreenStart, RoomFields: wire.RoomFields{ID: "screen"}})
	if f := guest.ExpectError(wire.CodeDenied); !strings.Contains(f.Message, string(authz.StageJoin)) {
		t.Fatalf("refusal %q does not name %s", f.Message, authz.StageJoin)
	}
	guest.Send(wire.Frame{Type: wire.FrameScreenStart})
	guest.ExpectError(wire.CodeBadRequest)

	guest.Publish("screen")
	guest.ExpectError(wire.CodePublishRefused)
	mediatest.WaitFor(t, "the SFU reading the guest's refused screen", func() bool {
		read, _, _ := n.TrackStats(t, session, "guest")
		return read >= 30
	})
	if _, forwarded, _ := n.TrackStats(t, session, "guest"); forwarded != 0 {
		t.Fatalf("refused screen forwarded %d packets", forwarded)
	}
	for _, stream := range []string{"guest", wire.ScreenStream("guest")} {
		if got := viewer.Received(stream, "video"); got != 0 {
			t.Fatalf("viewer received %d packets of the refused screen (%s)", got, stream)
		}
	}
}
