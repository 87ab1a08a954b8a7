package api_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/onairhq/onair/media/mediactl"
	"github.com/onairhq/onair/store"
)

// The automatic start comes while the media node is down: the room's open fails all its
// attempts and the session goes live without a room. Once the node is back, the first
// attendee's join opens the room (live, auto-recording), everyone gets in, and after the stop
// the post-live chain finds the recording and counts the attendees.
func TestAutoStartWithMediaDownLetsAttendeesIn(t *testing.T) {
	l := newLiveSession(t, livePlan{autoStart: true, autoRecord: true, startsIn: 5 * time.Second})
	h := l.h
	l.node.down.Store(true)
	h.must(http.StatusCreated, "POST", "/v1/sessions/"+l.ses+"/staff", l.owner.Key, map[string]any{"member_id": l.owner.MemberID, "role": "host"})
	h.waitStatus(l.owner, l.ses, store.SessionLive)
	if n := l.node.opens.Load(); n != 3 {
		t.Fatalf("%d room opens asked of the node, want the activity's 3 attempts", n)
	}
	l.node.down.Store(false)

	link := registrantToken(t, h.db, l.owner.WorkspaceID, l.ids[l.ann])
	token := h.must(http.StatusOK, "POST", "/v1/public/join", "", map[string]string{"token": link})
	joined := dialRoom(t, token, nil).joinAs(l.ses, token)
	if joined.Live == nil || !*joined.Live || joined.Recording == nil || joined.Recording.State != mediactl.RecordingActive {
		t.Fatalf("ann's joined frame: live %v, recording %+v; want a live room, recording", joined.Live, joined.Recording)
	}
	l.join(t, l.bob)
	host := newPublisher(t, l.ses, h.must(http.StatusOK, "POST", "/v1/sessions/"+l.ses+"/join-token", l.owner.Key, nil))
	host.Publish("audio", "video")
	l.waitRecordedVideo(t)
	if n := l.node.opens.Load(); n != 3 {
		t.Fatalf("%d room opens, want no more than the failed ones: the join opened the room", n)
	}

	h.must(http.StatusOK, "POST", "/v1/sessions/"+l.ses+"/stop", l.owner.Key, nil)
	l.waitProcessed(t)
	rec, err := store.RecordingOf(context.Background(), h.db, l.ses)
	if err != nil || rec.Status != store.RecordingReady || rec.Bytes == 0 {
		t.Fatalf("recording row %+v, %v, want a ready recording", rec, err)
	}
	regs := parseCSV(t, h.must(http.StatusOK, "GET", "/v1/sessions/"+l.ses+"/exports/registrants", l.owner.Key, nil).Body)
	attended := map[string]string{}
	for i, addr := range column(t, regs, "E-mail") {
		attended[addr] = column(t, regs, "Attended live")[i]
	}
	if attended[l.ann] != "yes" || attended[l.bob] != "yes" || attended[l.cid] != "no" {
		t.Fatalf("attendance %v", attended)
	}
}
