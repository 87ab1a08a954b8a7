package api_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/onairhq/onair/media/mediactl"
	mediaprobe "github.com/onairhq/onair/media/probe"
	"github.com/onairhq/onair/media/recording"
	"github.com/onairhq/onair/store"
)

var videoSource = regexp.MustCompile(`<source src="([^"]+)" type="([^"]+)">`)

// checkCompositeReplay opens a registrant's replay as browsers do once the egress worker
// made the composite: the page titled with the event, the HLS playlist first and the MP4
// second (Safari plays the first, the others fall through to the second, no script needed),
// the MP4 whole and by ranges, the playlist and every segment it names through the API, and
// no other name.
func checkCompositeReplay(t *testing.T, l *liveSession, addr string) {
	t.Helper()
	h := l.h
	base := "/replay/" + registrantToken(t, h.db, l.owner.WorkspaceID, l.ids[addr])
	page := string(h.must(http.StatusOK, "GET", base, "", nil).Body)
	if !strings.Contains(page, `<h1 id="replay-title">Launch review</h1>`) || !strings.Contains(page, "<title>Launch review") {
		t.Errorf("the replay page does not show the event's title:\n%s", page)
	}
	sources := videoSource.FindAllStringSubmatch(page, -1)
	if len(sources) != 2 || sources[0][1] != base+"/hls/index.m3u8" || sources[0][2] != "application/vnd.apple.mpegurl" ||
		sources[1][1] != base+"/video" || sources[1][2] != "video/mp4" {
		t.Errorf("video sources %q, want the HLS playlist then the MP4", sources)
	}
	if !strings.Contains(page, `<a href="`+base+`/video" download="Launch review.mp4">Download the video (MP4)</a>`) {
		t.Errorf("no MP4 download link:\n%s", page)
	}

	mp4 := h.must(http.StatusOK, "GET", base+"/video", "", nil)
	if ct := mp4.Header.Get("Content-Type"); ct != "video/mp4" || len(mp4.Body) < 8 || string(mp4.Body[4:8]) != "ftyp" {
		t.Fatalf("the replay's video: %q, %d bytes starting %q", ct, len(mp4.Body), mp4.Body[:min(8, len(mp4.Body))])
	}
	saved := filepath.Join(t.TempDir(), "served.mp4")
	if err := os.WriteFile(saved, mp4.Body, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	f, err := mediaprobe.Read(ctx, saved)
	if err != nil || f.Duration < time.Second || f.Packets("video") < 25 || f.Packets("audio") < 40 {
		t.Fatalf("the served MP4 probes as %+v, %v; want over a second of picture and sound", f, err)
	}
	head := h.must(http.StatusPartialContent, "GET", base+"/video", "", nil, "Range", "bytes=4-7")
	if string(head.Body) != "ftyp" || !strings.HasPrefix(head.Header.Get("Content-Range"), "bytes 4-7/") {
		t.Fatalf("range 4-7 of the MP4: %q, Content-Range %q", head.Body, head.Header.Get("Content-Range"))
	}
	tail := h.must(http.StatusPartialContent, "GET", base+"/video", "", nil, "Range", "bytes=-100")
	if string(tail.Body) != string(mp4.Body[len(mp4.Body)-100:]) {
		t.Fatal("the MP4's last 100 bytes by range differ from the whole file's")
	}
	isProblem(t, h.call("GET", base+"/video", "", nil, "Range", "bytes=999999999-"), http.StatusRequestedRangeNotSatisfiable)

	playlist := h.must(http.StatusOK, "GET", base+"/hls/index.m3u8", "", nil)
	if ct := playlist.Header.Get("Content-Type"); ct != "application/vnd.apple.mpegurl" || !strings.HasPrefix(string(playlist.Body), "#EXTM3U") ||
		!strings.Contains(string(playlist.Body), "#EXT-X-ENDLIST") {
		t.Fatalf("playlist %q:\n%s", ct, playlist.Body)
	}
	var segments []string
	for _, line := range strings.Split(string(playlist.Body), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			segments = append(segments, line)
		}
	}
	if len(segments) == 0 {
		t.Fatalf("the playlist names no segment:\n%s", playlist.Body)
	}
	for _, seg := range segments {
		r := h.must(http.StatusOK, "GET", base+"/hls/"+seg, "", nil)
		if ct := r.Header.Get("Content-Type"); ct != "video/mp2t" || len(r.Body) == 0 || r.Body[0] != 0x47 || len(r.Body)%188 != 0 {
			t.Fatalf("segment %s: %q, %d bytes, want MPEG-TS packets", seg, ct, len(r.Body))
		}
	}
	// A player given the playlist's URL finds the segments beside it, through the API.
	hls, err := mediaprobe.Read(ctx, h.srv.URL+base+"/hls/index.m3u8")
	if err != nil || hls.Packets("video") < f.Packets("video")-2 || hls.Packets("audio") == 0 {
		t.Fatalf("the HLS through the API probes as %+v, %v; the MP4 has %d frames", hls, err, f.Packets("video"))
	}

	for _, bad := range []string{"replay.mp4", "manifest.json", "..%2Fmanifest.json", "..%2F..%2Frecording.webm", "seg0000.ts.bak",
		"seg00.ts", "seg0000.TS", "index.m3u8%00", "%2e%2e"} {
		if r := h.call("GET", base+"/hls/"+bad, "", nil); r.Status != http.StatusNotFound {
			t.Errorf("hls/%s: %d %s, want 404", bad, r.Status, r.Body)
		}
	}
	isProblem(t, h.call("GET", "/replay/join_nobodyhasthisone/hls/index.m3u8", "", nil), http.StatusNotFound)
	isProblem(t, h.call("GET", "/replay/"+registrantToken(t, h.db, l.owner.WorkspaceID, l.ids[l.dan])+"/hls/index.m3u8", "", nil), http.StatusForbidden)
}

// checkWebMReplay: a session recorded before composites existed has a recording row naming
// its WebM. Its page offers the WebM alone, /video serves it with ranges, and there is no HLS.
func checkWebMReplay(t *testing.T, l *liveSession, addr string) {
	t.Helper()
	h := l.h
	ctx := context.Background()
	rec, err := store.RecordingOf(ctx, h.db, l.ses)
	if err != nil {
		t.Fatal(err)
	}
	rec.File = filepath.Join(l.node.dir, l.ses, recording.FinalName)
	if err := store.SaveRecording(ctx, h.db, rec); err != nil {
		t.Fatal(err)
	}
	base := "/replay/" + registrantToken(t, h.db, l.owner.WorkspaceID, l.ids[addr])
	page := string(h.must(http.StatusOK, "GET", base, "", nil).Body)
	if sources := videoSource.FindAllStringSubmatch(page, -1); len(sources) != 1 || sources[0][1] != base+"/video" || sources[0][2] != "video/webm" ||
		!strings.Contains(page, "Download the video (WebM)") {
		t.Errorf("an older recording's page offers %q:\n%s", sources, page)
	}
	assertReplayWebM(t, h.must(http.StatusOK, "GET", base+"/video", "", nil).Body)
	head := h.must(http.StatusPartialContent, "GET", base+"/video", "", nil, "Range", "bytes=0-3")
	if string(head.Body) != "\x1a\x45\xdf\xa3" || head.Header.Get("Content-Type") != "video/webm" {
		t.Fatalf("range 0-3 of the WebM: %q as %q", head.Body, head.Header.Get("Content-Type"))
	}
	isProblem(t, h.call("GET", base+"/hls/index.m3u8", "", nil), http.StatusNotFound)
	if !mediactl.IsReplayMP4(filepath.Join(l.node.dir, l.ses, mediactl.ReplayDir, mediactl.ReplayMP4)) {
		t.Fatal("IsReplayMP4 does not know the composite's own path")
	}
}
