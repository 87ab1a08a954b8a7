package room_test

import (
	"context"
	"testing"
	"time"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/mediactl"
	"github.com/onairhq/onair/media/mediatest"
	"github.com/onairhq/onair/media/wire"
)

// A host publishing Opus and VP8 records for a few seconds with record.start/record.stop;
// everyone sees REC; finalizing gives one WebM with a VP8 and an Opus track whose duration is
// the recording's.
func TestHostRecordsRoomToWebM(t *testing.T) {
	n := mediatest.StartNode(t)
	n.Rooms.Open(session)
	host := n.Join(t, session, "host", authz.SessionHost)
	viewer := n.Join(t, session, "viewer", authz.SessionParticipant)
	host.Publish("audio", "video")
	waitReceiving(t, []*mediatest.Client{viewer})

	plis := host.KeyframeRequests()
	host.Send(wire.Frame{Type: wire.FrameRecordStart})
	expectRecordingState(t, viewer, mediactl.RecordingActive)
	started := time.Now()
	// The video file can only start on a keyframe: the host is asked for one at once.
	mediatest.WaitFor(t, "a keyframe request for the recording", func() bool { return host.KeyframeRequests() > plis })
	late := n.Join(t, session, "late", authz.SessionParticipant)
	if rec := late.Joined.Recording; rec == nil || rec.State != mediactl.RecordingActive {
		t.Errorf("a newcomer's joined frame says recording %+v, want REC on", rec)
	}

	// About 2.5 s of audio (20 ms packets) and some video on disk.
	n.WaitRecorded(t, session, 125, 60)
	host.Send(wire.Frame{Type: wire.FrameRecordStop})
	expectRecordingState(t, viewer, mediactl.RecordingStopped)
	recorded := time.Since(started)

	fin, err := n.MediaCtl().FinalizeRecording(context.Background(), session)
	if err != nil {
		t.Fatal(err)
	}
	got := mediatest.ParseWebM(t, fin.File)
	mediatest.AssertWebM(t, got, recorded)
	if fin.Tracks != 2 || fin.DurationMS != got.DurationMS {
		t.Errorf("finalized %+v, want 2 tracks and the WebM's duration %d ms", fin, got.DurationMS)
	}
}

// Only hosts may record (room.record): a participant's or moderator's record.start is denied
// and starts nothing.
func TestOnlyHostsRecord(t *testing.T) {
	n := mediatest.StartNode(t)
	n.Rooms.Open(session)
	host := n.Join(t, session, "host", authz.SessionHost)
	for _, role := range []authz.SessionRole{authz.SessionParticipant, authz.SessionModerator, authz.SessionSpeaker} {
		p := n.Join(t, session, "p-"+string(role), role)
		p.Send(wire.Frame{Type: wire.FrameRecordStart})
		p.ExpectError(wire.CodeDenied)
		p.Send(wire.Frame{Type: wire.FrameRecordStop})
		p.ExpectError(wire.CodeDenied)
	}
	if st := n.Recording(t, session); st.State != mediactl.RecordingIdle {
		t.Fatalf("recording %s after denied record.start, want idle", st.State)
	}
	host.Send(wire.Frame{Type: wire.FrameRecordStart})
	expectRecordingState(t, host, mediactl.RecordingActive)
	if st := n.Recording(t, session); st.State != mediactl.RecordingActive {
		t.Fatalf("recording %s after the host's record.start", st.State)
	}
}

func expectRecordingState(t *testing.T, p *mediatest.Client, state string) {
	t.Helper()
	f := p.Expect(wire.FrameRecording)
	if f.Recording == nil || f.Recording.State != state {
		t.Fatalf("%s: recording frame %+v, want state %s", p.Name, f.Recording, state)
	}
}
