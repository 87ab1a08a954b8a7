package control_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/mediactl"
	"github.com/onairhq/onair/media/mediatest"
)

// The recording control API through mediactl's client against the real handler: both sides
// of the wire proven together. A room opened with auto-record records its host at once;
// closing the room stops it; finalize is idempotent; the file serves ranges; delete erases.
func TestRecordingControlAPI(t *testing.T) {
	n := mediatest.StartNode(t)
	ctx := context.Background()
	c := n.MediaCtl()

	if _, err := mediactl.New(n.Server.URL, []byte("wrong secret"), nil).Recording(ctx, session); !errors.Is(err, mediactl.ErrRefused) {
		t.Errorf("wrong key: %v, want ErrRefused", err)
	}
	for _, bad := range []string{"../../etc", "../x", "a/b", "ses live", ".hidden"} {
		if _, err := c.FinalizeRecording(ctx, bad); !errors.Is(err, mediactl.ErrRefused) {
			t.Errorf("finalize %q: %v, want ErrRefused (400)", bad, err)
		}
	}
	if _, err := c.FinalizeRecording(ctx, session); !errors.Is(err, mediactl.ErrNotFound) {
		t.Errorf("finalize before recording: %v, want ErrNotFound", err)
	}
	if st, err := c.Recording(ctx, session); err != nil || st.State != mediactl.RecordingIdle {
		t.Errorf("status before recording: %+v, %v, want idle", st, err)
	}
	if _, err := c.StartRecording(ctx, session); !errors.Is(err, mediactl.ErrNotFound) {
		t.Errorf("start without a room: %v, want ErrNotFound", err)
	}

	if err := c.OpenRoom(ctx, session, mediactl.OpenRequest{WorkspaceID: mediatest.TestWorkspace, AutoRecord: true}); err != nil {
		t.Fatal(err)
	}
	host := n.Join(t, session, "host", authz.SessionHost)
	if rec := host.Joined.Recording; rec == nil || rec.State != mediactl.RecordingActive {
		t.Fatalf("joined frame says recording %+v, want REC on from auto-record", rec)
	}
	host.Publish("audio", "video")
	n.WaitRecorded(t, session, 100, 150) // past the first keyframe (one a second)
	if _, err := c.FinalizeRecording(ctx, session); !errors.Is(err, mediactl.ErrConflict) {
		t.Errorf("finalize while recording: %v, want ErrConflict", err)
	}
	if err := c.DeleteRecording(ctx, session); !errors.Is(err, mediactl.ErrConflict) {
		t.Errorf("delete while recording: %v, want ErrConflict", err)
	}

	if err := c.CloseRoom(ctx, session); err != nil {
		t.Fatal(err)
	}
	st, err := c.Recording(ctx, session)
	if err != nil || st.State != mediactl.RecordingStopped || len(st.Tracks) != 2 || st.StoppedAt == nil {
		t.Fatalf("after close: %+v, %v, want stopped with 2 tracks", st, err)
	}
	if again, err := c.StopRecording(ctx, session); err != nil || again.State != mediactl.RecordingStopped {
		t.Errorf("stop once stopped: %+v, %v, want the stopped status", again, err)
	}

	first, err := c.FinalizeRecording(ctx, session)
	if err != nil {
		t.Fatal(err)
	}
	second, err := c.FinalizeRecording(ctx, session)
	if err != nil || second != first {
		t.Errorf("second finalize %+v, %v; want the same file %+v", second, err, first)
	}
	mediatest.AssertWebM(t, mediatest.ParseWebM(t, first.File), 0)

	res, err := c.RecordingFile(ctx, session, "bytes=0-3")
	if err != nil {
		t.Fatal(err)
	}
	head, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusPartialContent || string(head) != "\x1a\x45\xdf\xa3" {
		t.Errorf("range 0-3: %d %x, want 206 and the EBML magic", res.StatusCode, head)
	}

	if err := c.DeleteRecording(ctx, session); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RecordingFile(ctx, session, ""); !errors.Is(err, mediactl.ErrNotFound) {
		t.Errorf("file after delete: %v, want ErrNotFound", err)
	}
	if st, err := c.Recording(ctx, session); err != nil || st.State != mediactl.RecordingIdle {
		t.Errorf("status after delete: %+v, %v, want idle", st, err)
	}
	if err := c.DeleteRecording(ctx, session); err != nil {
		t.Errorf("deleting nothing: %v, want nil", err)
	}
}

// Stopping and starting again resumes the same recording: the WebM holds both stretches, in
// order, with the pause between them kept as a jump in time.
func TestRecordingResumesAfterStop(t *testing.T) {
	n := mediatest.StartNode(t)
	ctx := context.Background()
	c := n.MediaCtl()
	if err := c.OpenRoom(ctx, session, mediactl.OpenRequest{}); err != nil {
		t.Fatal(err)
	}
	host := n.Join(t, session, "host", authz.SessionHost)
	host.Publish("audio", "video")
	mediatest.WaitFor(t, "the host publishing", func() bool { _, fwd, _ := n.TrackStats(t, session, "host"); return fwd > 0 })

	for i, wantPackets := range []uint64{80, 160} { // audio packets on disk after each stretch
		if st, err := c.StartRecording(ctx, session); err != nil || st.State != mediactl.RecordingActive {
			t.Fatalf("start %d: %+v, %v", i, st, err)
		}
		n.WaitRecorded(t, session, wantPackets, wantPackets*3/2)
		st, err := c.StopRecording(ctx, session)
		if err != nil || st.State != mediactl.RecordingStopped || len(st.Tracks) != 2*(i+1) {
			t.Fatalf("stop %d: %+v, %v, want stopped with %d track files", i, st, err, 2*(i+1))
		}
		if i == 0 {
			// Media flows on while not recording: ~140 packets/s over both tracks, so 70 more
			// forwarded packets is about half a second of pause.
			_, before, _ := n.TrackStats(t, session, "host")
			mediatest.WaitFor(t, "media forwarded during the pause", func() bool {
				_, now, _ := n.TrackStats(t, session, "host")
				return now >= before+70
			})
		}
	}
	fin, err := c.FinalizeRecording(ctx, session)
	if err != nil {
		t.Fatal(err)
	}
	got := mediatest.ParseWebM(t, fin.File)
	audio := got.Blocks[got.Tracks["A_OPUS"].TrackNumber]
	if len(audio) < 160 {
		t.Fatalf("%d audio blocks, want both stretches (≥ 160)", len(audio))
	}
	gap := int64(0)
	for i := 1; i < len(audio); i++ {
		gap = max(gap, audio[i]-audio[i-1])
	}
	if gap < 200 { // audio blocks are 20 ms apart within a stretch
		t.Errorf("largest jump between audio blocks %d ms, want the pause (about 500 ms) kept", gap)
	}
	if video := got.Blocks[got.Tracks["V_VP8"].TrackNumber]; len(video) == 0 {
		t.Error("no video in the resumed recording")
	}
}
