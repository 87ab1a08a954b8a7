package media

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/at-wat/ebml-go"
	"github.com/at-wat/ebml-go/webm"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/mediactl"
	"github.com/onairhq/onair/media/wire"
)

// A host publishing Opus and VP8 records for a few seconds with record.start/record.stop;
// everyone sees REC; finalizing gives one WebM with a VP8 and an Opus track whose duration is
// the recording's.
func TestHostRecordsRoomToWebM(t *testing.T) {
	n := StartNode(t)
	n.Rooms.Open(session)
	host := n.Join(t, session, "host", authz.SessionHost)
	viewer := n.Join(t, session, "viewer", authz.SessionParticipant)
	host.Publish("audio", "video")
	waitReceiving(t, []*Client{viewer})

	plis := host.KeyframeRequests()
	host.Send(wire.Frame{Type: wire.FrameRecordStart})
	expectRecordingState(t, viewer, mediactl.RecordingActive)
	started := time.Now()
	// The video file can only start on a keyframe: the host is asked for one at once.
	WaitFor(t, "a keyframe request for the recording", func() bool { return host.KeyframeRequests() > plis })
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
	got := ParseWebM(t, fin.File)
	AssertWebM(t, got, recorded)
	if fin.Tracks != 2 || fin.DurationMS != got.DurationMS {
		t.Errorf("finalized %+v, want 2 tracks and the WebM's duration %d ms", fin, got.DurationMS)
	}
}

// Only hosts may record (room.record): a participant's or moderator's record.start is denied
// and starts nothing.
func TestOnlyHostsRecord(t *testing.T) {
	n := StartNode(t)
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

func expectRecordingState(t *testing.T, p *Client, state string) {
	t.Helper()
	f := p.Expect(wire.FrameRecording)
	if f.Recording == nil || f.Recording.State != state {
		t.Fatalf("%s: recording frame %+v, want state %s", p.Name, f.Recording, state)
	}
}

// WaitRecorded waits until the session's audio and video files hold at least that many
// packets on disk.
func (n *Node) WaitRecorded(t *testing.T, session string, audio, video uint64) {
	t.Helper()
	WaitFor(t, "packets written to the recording", func() bool {
		got := map[string]uint64{}
		for _, tr := range n.Recording(t, session).Tracks {
			got[tr.Kind] += tr.Packets
		}
		return got["audio"] >= audio && got["video"] >= video
	})
}

// Recording is the session's recording as its store tells it.
func (n *Node) Recording(t *testing.T, session string) mediactl.RecordingStatus {
	t.Helper()
	st, err := n.Recordings.Status(session)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func (n *Node) MediaCtl() *mediactl.Client { return mediactl.New(n.Server.URL, TestSecret, nil) }

// WebM is what a player would see of a WebM: its tracks, duration and block times.
type WebM struct {
	Tracks     map[string]webm.TrackEntry // by codec id
	DurationMS int64
	Blocks     map[uint64][]int64 // track number → block timestamps (ms)
	Cues       int                // seek points
}

func ParseWebM(t *testing.T, path string) WebM {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var doc struct {
		Header  webm.EBMLHeader `ebml:"EBML"`
		Segment webm.Segment    `ebml:"Segment"`
	}
	if err := ebml.Unmarshal(f, &doc); err != nil {
		t.Fatalf("WebM does not parse: %v", err)
	}
	if doc.Header.DocType != "webm" {
		t.Fatalf("doc type %q, want webm", doc.Header.DocType)
	}
	out := WebM{Tracks: map[string]webm.TrackEntry{}, Blocks: map[uint64][]int64{},
		DurationMS: int64(doc.Segment.Info.Duration * float64(doc.Segment.Info.TimecodeScale) / 1e6)}
	if doc.Segment.Cues != nil {
		out.Cues = len(doc.Segment.Cues.CuePoint)
	}
	for _, e := range doc.Segment.Tracks.TrackEntry {
		out.Tracks[e.CodecID] = e
	}
	for _, c := range doc.Segment.Cluster {
		for _, b := range c.SimpleBlock {
			out.Blocks[b.TrackNumber] = append(out.Blocks[b.TrackNumber], int64(c.Timecode)+int64(b.Timecode))
		}
	}
	return out
}

// AssertWebM checks a playable recording of about length: one VP8 and one Opus track, each
// with blocks in time order, the video starting on a keyframe-sized picture, and a duration
// within half a second of length (start and stop travel over the signaling socket).
func AssertWebM(t *testing.T, got WebM, length time.Duration) {
	t.Helper()
	video, hasVideo := got.Tracks["V_VP8"]
	audio, hasAudio := got.Tracks["A_OPUS"]
	if !hasVideo || !hasAudio || len(got.Tracks) != 2 {
		t.Fatalf("WebM tracks %v, want exactly V_VP8 and A_OPUS", got.Tracks)
	}
	if video.Video == nil || video.Video.PixelWidth != 320 || video.Video.PixelHeight != 240 {
		t.Errorf("video track %+v, want 320×240 from the keyframes", video.Video)
	}
	if got.Cues == 0 {
		t.Error("no Cues: a replay could not seek")
	}
	if audio.Audio == nil || audio.Audio.SamplingFrequency != 48000 || len(audio.CodecPrivate) != 19 {
		t.Errorf("audio track %+v, want 48 kHz Opus with its OpusHead", audio)
	}
	for _, e := range []webm.TrackEntry{video, audio} {
		ts := got.Blocks[e.TrackNumber]
		if len(ts) < 10 {
			t.Fatalf("%s track has %d blocks", e.CodecID, len(ts))
		}
		t.Logf("%s: %d blocks from %d ms to %d ms", e.CodecID, len(ts), ts[0], ts[len(ts)-1])
		for i := 1; i < len(ts); i++ {
			if ts[i] <= ts[i-1] {
				t.Fatalf("%s block %d at %d ms after %d ms", e.CodecID, i, ts[i], ts[i-1])
			}
		}
	}
	if audioMS := int64(len(got.Blocks[audio.TrackNumber])) * 20; diff(audioMS, got.DurationMS) > 300 {
		t.Errorf("%d audio blocks make %d ms, the WebM says %d ms", len(got.Blocks[audio.TrackNumber]), audioMS, got.DurationMS)
	}
	if length > 0 && diff(got.DurationMS, length.Milliseconds()) > 500 {
		t.Errorf("WebM duration %d ms, recorded for %d ms", got.DurationMS, length.Milliseconds())
	}
}

func diff(a, b int64) int64 {
	if a > b {
		return a - b
	}
	return b - a
}
