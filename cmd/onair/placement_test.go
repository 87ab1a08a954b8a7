package main

import (
	"context"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/uptrace/bun"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/jointoken"
	"github.com/onairhq/onair/media/mediactl"
	"github.com/onairhq/onair/media/mediatest"
	"github.com/onairhq/onair/media/placement"
	"github.com/onairhq/onair/media/wire"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

// TestPlacementFailoverReopensTheRoomOnAnotherNode runs two `onair media` processes against
// one store and one recordings volume. A live, auto-recorded session's room is placed on one
// of them (A); a host publishing audio and video and a viewer join there, chat, and the room
// records. A is killed with SIGKILL. Once A's heartbeat is too old, placing the room again
// (what the API does for every join token) moves it to B, generation 2; the host and the
// viewer join B, which reopens the room from the store: the chat said on A is there, the host
// publishes again and the viewer receives it, and the recording resumes in the same manifest,
// so the finalized recording holds the tracks written on both nodes.
func TestPlacementFailoverReopensTheRoomOnAnotherNode(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	db := storetest.Postgres(t)
	secret := []byte("placement test secret " + store.NewSecret(8))
	recordings := t.TempDir() // shared by both nodes, as README's "Several media nodes" asks
	ses := seedLiveRecordedSession(t, ctx, db)

	procs := startMediaNodes(t, db, secret, recordings, recordings)
	nodes := placement.New(placement.Params{DB: db, Secret: secret, HeartbeatTimeout: 2 * time.Second})
	mediatest.WaitFor(t, "both media nodes registered", func() bool {
		alive, err := nodes.Alive(ctx)
		return err == nil && len(alive) == 2
	})

	a, err := nodes.Place(ctx, ses.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a.Generation != 1 {
		t.Fatalf("first placement: generation %d", a.Generation)
	}
	host := joinNode(t, a, ses, "host", authz.SessionHost, secret)
	viewer := joinNode(t, a, ses, "viewer", authz.SessionParticipant, secret)
	host.Publish("audio", "video")
	waitReceiving(t, viewer, "on the first node")
	host.SendRoom(wire.FrameChatSend, wire.RoomFields{Text: "said before the crash"})
	viewer.ExpectChat("said before the crash")
	// Room events reach the store off the room's lock, within milliseconds: a crash loses only
	// what is still queued (README), so the test waits for the line to be written.
	mediatest.WaitFor(t, "the chat line written", func() bool {
		return storetest.Count(t, db, (*store.ChatMessage)(nil), "session_id = ?", ses.ID) == 1
	})
	waitRecorded(t, ctx, a.Control, ses.ID, 2)

	procs[a.NodeID].kill(t)
	var b placement.Room
	mediatest.WaitFor(t, "the room placed on the other node once the first stopped heartbeating", func() bool {
		b, err = nodes.Place(ctx, ses.ID)
		return err == nil && b.NodeID != a.NodeID
	})
	if b.Generation != 2 {
		t.Fatalf("re-placement: generation %d, want 2", b.Generation)
	}
	if again, err := nodes.Place(ctx, ses.ID); err != nil || again.NodeID != b.NodeID || again.Generation != 2 {
		t.Fatalf("placing again: %+v, %v; want the same node, generation 2", again, err)
	}

	viewer = joinNode(t, b, ses, "viewer", authz.SessionParticipant, secret)
	if len(viewer.Joined.Chats) != 1 || viewer.Joined.Chats[0].Text != "said before the crash" {
		t.Fatalf("the reopened room's chat: %+v, want the line said on the first node", viewer.Joined.Chats)
	}
	host = joinNode(t, b, ses, "host", authz.SessionHost, secret)
	host.Publish("audio", "video")
	waitReceiving(t, viewer, "on the second node")
	host.SendRoom(wire.FrameChatSend, wire.RoomFields{Text: "said after the move"})
	viewer.ExpectChat("said after the move")
	waitRecorded(t, ctx, b.Control, ses.ID, 4)

	st, err := b.Control.StopRecording(ctx, ses.ID)
	if err != nil || len(st.Tracks) != 4 {
		t.Fatalf("stop: %+v, %v; want the 2 track files written on each node in one recording", st, err)
	}
	fin, err := b.Control.FinalizeRecording(ctx, ses.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Both parts play one after the other, with the silence of the failover between them.
	got := mediatest.ParseWebM(t, fin.File)
	for _, codec := range []string{"V_VP8", "A_OPUS"} {
		track, ok := got.Tracks[codec]
		if !ok {
			t.Fatalf("no %s track in the recording: %v", codec, got.Tracks)
		}
		blocks, gapAt := got.Blocks[track.TrackNumber], -1
		for i := 1; i < len(blocks); i++ {
			if blocks[i] <= blocks[i-1] {
				t.Fatalf("%s block %d at %d ms after %d ms", codec, i, blocks[i], blocks[i-1])
			}
			if blocks[i]-blocks[i-1] >= 1000 {
				gapAt = i
			}
		}
		if gapAt < 10 || len(blocks)-gapAt < 10 {
			t.Fatalf("%s: %d blocks, the failover's gap at block %d; want both nodes' parts (10 blocks or more each)", codec, len(blocks), gapAt)
		}
		t.Logf("%s: %d blocks written on the first node, %d on the second, %d ms apart", codec, gapAt, len(blocks)-gapAt,
			blocks[gapAt]-blocks[gapAt-1])
	}
	t.Logf("room moved from %s to %s; the recording holds both parts: %d ms, %d bytes", a.NodeID, b.NodeID, fin.DurationMS, fin.Bytes)
}

// seedLiveRecordedSession stores a workspace, an auto-recorded event and its session, live.
func seedLiveRecordedSession(t *testing.T, ctx context.Context, db *bun.DB) *store.Session {
	t.Helper()
	return seedLiveSession(t, ctx, db, true)
}

// seedLiveSession stores a workspace, an event (auto-recorded or not) and its session, live.
func seedLiveSession(t *testing.T, ctx context.Context, db *bun.DB, autoRecord bool) *store.Session {
	t.Helper()
	ws := store.NewWorkspace("Placement", "business")
	if err := store.Insert(ctx, db, ws); err != nil {
		t.Fatal(err)
	}
	ev := store.NewEvent(ws.ID, "Failover", "", store.EventSettings{AutoRecord: autoRecord}, "usr_test")
	if err := store.Insert(ctx, db, ev); err != nil {
		t.Fatal(err)
	}
	now := store.Now()
	ses := &store.Session{ID: store.NewID("ses"), WorkspaceID: ws.ID, EventID: ev.ID, StartsAt: now.Add(-time.Minute),
		DurationMinutes: 60, Timezone: "UTC", Status: store.SessionLive, StartedAt: &now, Capacity: 10, CreatedAt: now, UpdatedAt: now}
	if err := store.Insert(ctx, db, ses); err != nil {
		t.Fatal(err)
	}
	return ses
}

// joinNode joins the room's node as the API's join token would send person there.
func joinNode(t *testing.T, room placement.Room, ses *store.Session, person string, role authz.SessionRole, secret []byte) *mediatest.Client {
	t.Helper()
	c := sendJoin(t, room, ses, person, role, secret, 0)
	c.Joined = c.Expect(wire.FrameJoined)
	return c
}

// sendJoin sends the join a token of the plan's live-attendee cap (0: none) would.
func sendJoin(t *testing.T, room placement.Room, ses *store.Session, person string, role authz.SessionRole, secret []byte, cap int) *mediatest.Client {
	t.Helper()
	tok, err := jointoken.Sign(secret, jointoken.Claims{SessionID: ses.ID, WorkspaceID: ses.WorkspaceID, PersonID: person, Role: role,
		Name: person, MediaURL: room.PublicURL, MaxAttendees: cap, ExpiresAt: time.Now().Add(time.Minute).Unix()})
	if err != nil {
		t.Fatal(err)
	}
	c := mediatest.DialURL(t, room.PublicURL, person, mediatest.LoopbackAPI(t), webrtc.Configuration{})
	c.Send(wire.Frame{Type: wire.FrameJoin, Session: ses.ID, Token: tok})
	return c
}

func waitReceiving(t *testing.T, viewer *mediatest.Client, where string) {
	t.Helper()
	start := map[string]int{"audio": viewer.Received("host", "audio"), "video": viewer.Received("host", "video")}
	mediatest.WaitFor(t, "the viewer receiving the host's audio and video "+where, func() bool {
		return viewer.Received("host", "audio")-start["audio"] >= 20 && viewer.Received("host", "video")-start["video"] >= 20
	})
}

// waitRecorded waits until the session's recording, as node reports it, lists tracks files
// of which the last two (this node's audio and video) have frames on disk: video is written
// from its first keyframe, which the publisher sends every 30 frames (3 packets each), so 150
// packets hold 20 frames or more.
func waitRecorded(t *testing.T, ctx context.Context, node *mediactl.Client, session string, tracks int) {
	t.Helper()
	mediatest.WaitFor(t, fmt.Sprintf("%d recorded tracks", tracks), func() bool {
		st, err := node.Recording(ctx, session)
		if err != nil || st.State != mediactl.RecordingActive || len(st.Tracks) != tracks {
			return false
		}
		for _, tr := range st.Tracks[tracks-2:] {
			if want := map[string]uint64{"audio": 20, "video": 150}[tr.Kind]; tr.Packets < want || tr.Bytes == 0 {
				return false
			}
		}
		return true
	})
}

// freeUDPPort is a UDP port free now, for a node's ONAIR_MEDIA_UDP_PORT.
func freeUDPPort(t *testing.T) string {
	t.Helper()
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return fmt.Sprint(c.LocalAddr().(*net.UDPAddr).Port)
}

// startMediaNodes runs one `onair media` process per recordings directory given, against db
// with secret, each on free ports of its own; it returns them by node id.
func startMediaNodes(t *testing.T, db *bun.DB, secret []byte, recordings ...string) map[string]*onairProcess {
	t.Helper()
	procs := map[string]*onairProcess{}
	for i, dir := range recordings {
		addr := freeAddr(t)
		url := "http://" + addr
		procs[placement.NodeID(url)] = startOnairProcess(t, "media", []string{
			"DATABASE_URL=" + storetest.PostgresURLOf(t, db), "ONAIR_MEDIA_SECRET=" + string(secret),
			"ONAIR_MEDIA_ADDR=" + addr, "ONAIR_MEDIA_URL=" + url, "ONAIR_MEDIA_HEARTBEAT=200ms", "ONAIR_MEDIA_METRICS_ADDR=127.0.0.1:0",
			"ONAIR_MEDIA_UDP_PORT=" + freeUDPPort(t), "ONAIR_MEDIA_PUBLIC_IPS=127.0.0.1",
			"ONAIR_RECORDINGS_DIR=" + dir, "ONAIR_DATA_DIR=" + t.TempDir(), "ONAIR_LOG_LEVEL=warn",
			fmt.Sprintf("ONAIR_MEDIA_REGION=test-%d", i+1),
		})
	}
	return procs
}
