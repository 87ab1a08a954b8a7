package control_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/onairhq/onair/media/mediactl"
	"github.com/onairhq/onair/media/mediatest"
)

// The composite replay's files as the egress worker leaves them on the shared volume: the
// control API serves the MP4 (ranges), the playlist and its segments with their media types,
// and nothing else of the folder, whatever the name tried.
func TestReplayFilesServedAndNothingElse(t *testing.T) {
	dir := t.TempDir()
	n := mediatest.StartNodeRecordingTo(t, dir)
	replay := filepath.Join(dir, session, mediactl.ReplayDir)
	if err := os.MkdirAll(replay, 0o750); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{mediactl.ReplayMP4: "\x00\x00\x00\x20ftypisom rest of the mp4", mediactl.ReplayPlaylist: "#EXTM3U\nseg0000.ts\n",
		"seg0000.ts": "G segment", "../manifest.json": `{"secret":"not served"}`, "notes.txt": "not served"}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(replay, name), []byte(body), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	c := n.MediaCtl()
	for name, want := range map[string]string{mediactl.ReplayMP4: "video/mp4", mediactl.ReplayPlaylist: "application/vnd.apple.mpegurl", "seg0000.ts": "video/mp2t"} {
		res, err := c.ReplayFile(ctx, session, name, "")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if string(body) != files[name] || res.Header.Get("Content-Type") != want {
			t.Errorf("%s: %q as %q, want %q as %q", name, body, res.Header.Get("Content-Type"), files[name], want)
		}
	}
	res, err := c.ReplayFile(ctx, session, mediactl.ReplayMP4, "bytes=4-7")
	if err != nil {
		t.Fatal(err)
	}
	head, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusPartialContent || string(head) != "ftyp" || res.Header.Get("Content-Range") == "" {
		t.Errorf("range 4-7: %d %q %q, want 206 and ftyp", res.StatusCode, head, res.Header.Get("Content-Range"))
	}
	if _, err := c.ReplayFile(ctx, "ses_other", mediactl.ReplayMP4, ""); !errors.Is(err, mediactl.ErrNotFound) {
		t.Errorf("a session without a replay: %v, want ErrNotFound", err)
	}

	// Straight at the control API, past the client's own check.
	for _, name := range []string{"notes.txt", "..%2Fmanifest.json", "%2e%2e%2fmanifest.json", "seg0000.ts.bak", "seg00.ts",
		"SEG0000.TS", "seg0000.ts%00", "seg0001.ts", "%2Fetc%2Fpasswd"} {
		req, _ := http.NewRequest(http.MethodGet, n.Server.URL+"/control/recordings/"+session+"/replay/"+name, nil)
		req.Header.Set("Authorization", "Bearer "+mediactl.ControlKey(mediatest.TestSecret))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d %q, want 404", name, res.StatusCode, body)
		}
	}
}
