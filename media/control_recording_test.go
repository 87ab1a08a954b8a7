package media

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/mediactl"
)

// The recording control API through mediactl's client against the real handler: both sides
// of the wire proven together. A room opened with auto-record records its host at once;
// closing the room stops it; finalize is idempotent; the file serves ranges; delete erases.
func TestRecordingControlAPI(t *testing.T) {
	n := newTestNode(t)
	ctx := context.Background()
	c := n.client()

	if _, err := mediactl.New(n.srv.URL, []byte("wrong secret"), nil).Recording(ctx, session); !errors.Is(err, mediactl.ErrRefused) {
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

	if err := c.OpenRoom(ctx, session, mediactl.OpenRequest{WorkspaceID: "ws_1", AutoRecord: true}); err != nil {
		t.Fatal(err)
	}
	host := n.join(t, session, "host", authz.SessionHost)
	expectRecordingState(t, host, mediactl.RecordingActive)
	host.publish("audio", "video")
	waitRecorded(t, n, 100, 150) // past the first keyframe (one a second)
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
	assertWebM(t, parseWebM(t, first.File), 0)

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
