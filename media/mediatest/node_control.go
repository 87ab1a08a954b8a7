package mediatest

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/onairhq/onair/media/mediactl"
)

// The node's control API and recordings, as the API and activities reach them.

// Control calls the control API with the node's key and checks the status is want.
func (n *Node) Control(t *testing.T, method, path, body string, want int) []byte {
	t.Helper()
	return n.ControlAs(t, mediactl.ControlKey(TestSecret), method, path, body, want)
}

// ControlAs calls the control API with key as the bearer token.
func (n *Node) ControlAs(t *testing.T, key, method, path, body string, want int) []byte {
	t.Helper()
	req, err := http.NewRequest(method, n.Server.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		t.Fatalf("%s %s: status %d (%s), want %d", method, path, res.StatusCode, b, want)
	}
	return b
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

// MediaCtl is the control API's client (media/mediactl) for this node.
func (n *Node) MediaCtl() *mediactl.Client { return mediactl.New(n.Server.URL, TestSecret, nil) }
