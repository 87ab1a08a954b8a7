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
	n := newTestNode(t)
	n.rooms.Open(session)
	host := n.join(t, session, "host", authz.SessionHost)
	viewer := n.join(t, session, "viewer", authz.SessionParticipant)
	host.Publish("audio", "video")
	waitReceiving(t, []*testPeer{viewer})

	plis := host.KeyframeRequests()
	host.send(wire.Frame{Type: wire.FrameRecordStart})
	expectRecordingState(t, viewer, mediactl.RecordingActive)
	started := time.Now()
	// The video file can only start on a keyframe: the host is asked for one at once.
	waitFor(t, "a keyframe request for the recording", func() bool { return host.KeyframeRequests() > plis })
	late := n.join(t, session, "late", authz.SessionParticipant)
	if rec := late.joined.Recording; rec == nil || rec.State != mediactl.RecordingActive {
		t.Errorf("a newcomer's joined frame says recording %+v, want REC on", rec)
	}

	// About 2.5 s of audio (20 ms packets) and some video on disk.
	waitRecorded(t, n, 125, 60)
	host.send(wire.Frame{Type: wire.FrameRecordStop})
	expectRecordingState(t, viewer, mediactl.RecordingStopped)
	recorded := time.Since(started)

	fin, err := n.client().FinalizeRecording(context.Background(), session)
	if err != nil {
		t.Fatal(err)
	}
	got := parseWebM(t, fin.File)
	assertWebM(t, got, recorded)
	if fin.Tracks != 2 || fin.DurationMS != got.durationMS {
		t.Errorf("finalized %+v, want 2 tracks and the WebM's duration %d ms", fin, got.durationMS)
	}
}

// Only hosts may record (room.record): a participant's or moderator's record.start is denied
// and starts nothing.
func TestOnlyHostsRecord(t *testing.T) {
	n := newTestNode(t)
	n.rooms.Open(session)
	host := n.join(t, session, "host", authz.SessionHost)
	for _, role := range []authz.SessionRole{authz.SessionParticipant, authz.SessionModerator, authz.SessionSpeaker} {
		p := n.join(t, session, "p-"+string(role), role)
		p.send(wire.Frame{Type: wire.FrameRecordStart})
		p.expectError(wire.CodeDenied)
		p.send(wire.Frame{Type: wire.FrameRecordStop})
		p.expectError(wire.CodeDenied)
	}
	if st := n.status(t); st.State != mediactl.RecordingIdle {
		t.Fatalf("recording %s after denied record.start, want idle", st.State)
	}
	host.send(wire.Frame{Type: wire.FrameRecordStart})
	expectRecordingState(t, host, mediactl.RecordingActive)
	if st := n.status(t); st.State != mediactl.RecordingActive {
		t.Fatalf("recording %s after the host's record.start", st.State)
	}
}

func expectRecordingState(t *testing.T, p *testPeer, state string) {
	t.Helper()
	f := p.expect(wire.FrameRecording)
	if f.Recording == nil || f.Recording.State != state {
		t.Fatalf("%s: recording frame %+v, want state %s", p.name, f.Recording, state)
	}
}

// waitRecorded waits until the session's audio and video files hold at least that many
// packets on disk.
func waitRecorded(t *testing.T, n *testNode, audio, video uint64) {
	t.Helper()
	waitFor(t, "packets written to the recording", func() bool {
		got := map[string]uint64{}
		for _, tr := range n.status(t).Tracks {
			got[tr.Kind] += tr.Packets
		}
		return got["audio"] >= audio && got["video"] >= video
	})
}

func (n *testNode) status(t *testing.T) mediactl.RecordingStatus {
	t.Helper()
	st, err := n.recordings.Status(session)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func (n *testNode) client() *mediactl.Client { return mediactl.New(n.srv.URL, testSecret, nil) }

// parsedWebM is what a player would see of a WebM: its tracks, duration and block times.
type parsedWebM struct {
	tracks     map[string]webm.TrackEntry // by codec id
	durationMS int64
	blocks     map[uint64][]int64 // track number → block timestamps (ms)
	cues       int                // seek points
}

func parseWebM(t *testing.T, path string) parsedWebM {
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
	out := parsedWebM{tracks: map[string]webm.TrackEntry{}, blocks: map[uint64][]int64{},
		durationMS: int64(doc.Segment.Info.Duration * float64(doc.Segment.Info.TimecodeScale) / 1e6)}
	if doc.Segment.Cues != nil {
		out.cues = len(doc.Segment.Cues.CuePoint)
	}
	for _, e := range doc.Segment.Tracks.TrackEntry {
		out.tracks[e.CodecID] = e
	}
	for _, c := range doc.Segment.Cluster {
		for _, b := range c.SimpleBlock {
			out.blocks[b.TrackNumber] = append(out.blocks[b.TrackNumber], int64(c.Timecode)+int64(b.Timecode))
		}
	}
	return out
}

// assertWebM checks a playable recording of about length: one VP8 and one Opus track, each
// with blocks in time order, the video starting on a keyframe-sized picture, and a duration
// within half a second of length (start and stop travel over the signaling socket).
func assertWebM(t *testing.T, got parsedWebM, length time.Duration) {
	t.Helper()
	video, hasVideo := got.tracks["V_VP8"]
	audio, hasAudio := got.tracks["A_OPUS"]
	if !hasVideo || !hasAudio || len(got.tracks) != 2 {
		t.Fatalf("WebM tracks %v, want exactly V_VP8 and A_OPUS", got.tracks)
	}
	if video.Video == nil || video.Video.PixelWidth != 320 || video.Video.PixelHeight != 240 {
		t.Errorf("video track %+v, want 320×240 from the keyframes", video.Video)
	}
	if got.cues == 0 {
		t.Error("no Cues: a replay could not seek")
	}
	if audio.Audio == nil || audio.Audio.SamplingFrequency != 48000 || len(audio.CodecPrivate) != 19 {
		t.Errorf("audio track %+v, want 48 kHz Opus with its OpusHead", audio)
	}
	for _, e := range []webm.TrackEntry{video, audio} {
		ts := got.blocks[e.TrackNumber]
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
	if audioMS := int64(len(got.blocks[audio.TrackNumber])) * 20; diff(audioMS, got.durationMS) > 300 {
		t.Errorf("%d audio blocks make %d ms, the WebM says %d ms", len(got.blocks[audio.TrackNumber]), audioMS, got.durationMS)
	}
	if length > 0 && diff(got.durationMS, length.Milliseconds()) > 500 {
		t.Errorf("WebM duration %d ms, recorded for %d ms", got.durationMS, length.Milliseconds())
	}
}

func diff(a, b int64) int64 {
	if a > b {
		return a - b
	}
	return b - a
}
