package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/mediatest"
	"github.com/onairhq/onair/media/placement"
	"github.com/onairhq/onair/media/wire"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

// TestCascadeSplitsARoomOverTwoNodes runs two `onair media` processes against one store with
// a room share of 2. The host joins the room's node (the origin: staff always do), the first
// two viewers too, the next two are placed on the other node, which becomes an edge of the
// room: it relays the host's tracks from the origin over one server-to-server PeerConnection
// and the room's events over its relay. Every viewer, on both nodes, receives the host's audio
// and video with no sequence gap; chat said on the edge reaches the origin in order and chat
// said on the origin reaches the edge in order; the origin counts the whole room (its
// participants list, the live-attendee cap); a viewer past the cap is refused on the edge.
func TestCascadeSplitsARoomOverTwoNodes(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c := startCascade(t, ctx, 2)
	db, secret, ses, nodes := c.db, c.secret, c.ses, c.nodes
	place := func(person string, counted bool) placement.Room { t.Helper(); return c.place(t, ctx, person, counted) }

	origin := place("host", false)
	host := joinNode(t, origin, ses, "host", authz.SessionHost, secret)
	host.Publish("audio", "video")
	var viewers []*mediatest.Client
	var edge placement.Room
	for i := 1; i <= 4; i++ {
		person := fmt.Sprintf("viewer%d", i)
		room := place(person, true)
		if wantEdge := i > 2; room.Edge != wantEdge || (room.NodeID == origin.NodeID) == wantEdge {
			t.Fatalf("%s placed on %s (edge %v), the origin is %s; want the first two on the origin, the others on the other node",
				person, room.NodeID, room.Edge, origin.NodeID)
		}
		if room.Edge {
			edge = room
		}
		viewers = append(viewers, joinNode(t, room, ses, person, authz.SessionParticipant, secret))
	}
	onOrigin, onEdge := viewers[:2], viewers[2:]

	// Media: every viewer receives the host's audio and video, and none misses a packet.
	const settle = 20
	for _, v := range viewers {
		mediatest.WaitFor(t, v.Name+" receiving 100 audio and 200 video packets of the host", func() bool {
			a, _ := v.Loss("host", "audio", settle)
			vid, _ := v.Loss("host", "video", settle)
			return a >= 100 && vid >= 200
		})
	}
	for _, v := range viewers {
		for _, kind := range []string{"audio", "video"} {
			got, missing := v.Loss("host", kind, settle)
			t.Logf("%s: %d %s packets of the host received, %d missing", v.Name, got, kind, missing)
			if missing != 0 {
				t.Errorf("%s missed %d of the host's %s packets (received %d) on loopback", v.Name, missing, kind, got)
			}
		}
	}

	// Events: chat said on the edge reaches everyone in order, and the other way round.
	for i := 1; i <= 3; i++ {
		onEdge[0].SendRoom(wire.FrameChatSend, wire.RoomFields{Text: fmt.Sprintf("from the edge %d", i)})
		onOrigin[0].SendRoom(wire.FrameChatSend, wire.RoomFields{Text: fmt.Sprintf("from the origin %d", i)})
	}
	for _, c := range append([]*mediatest.Client{host}, viewers...) {
		next := map[string]int{"edge": 1, "origin": 1}
		for range 6 {
			line := c.Expect(wire.FrameChat).Chat
			var from string
			var n int
			if _, err := fmt.Sscanf(line.Text, "from the %s %d", &from, &n); err != nil || next[from] != n {
				t.Fatalf("%s: chat line %q, want the %d-th from the edge or the %d-th from the origin", c.Name, line.Text,
					next["edge"], next["origin"])
			}
			next[from]++
		}
	}

	// The origin counts the whole room; the edge only its own load.
	people, err := origin.Control.Participants(ctx, ses.ID)
	if err != nil || len(people) != 5 {
		t.Fatalf("the origin's participants: %+v, %v; want the host and the four viewers", people, err)
	}
	if edgePeople, err := edge.Control.Participants(ctx, ses.ID); err != nil || len(edgePeople) != 2 {
		t.Fatalf("the edge's participants: %+v, %v; want its two viewers", edgePeople, err)
	}
	late := sendJoin(t, edge, ses, "viewer5", authz.SessionParticipant, secret, 4)
	late.ExpectError(wire.CodeRoomFull)

	// A keyframe request of a subscriber on the edge reaches the publisher on the origin.
	plis := host.KeyframeRequests()
	onEdge[0].RequestKeyframe(t, "host")
	mediatest.WaitFor(t, "the edge viewer's keyframe request at the host", func() bool { return host.KeyframeRequests() > plis })

	// The origin's process dies: the next join reopens the room on the other node, with the
	// chat said before (written by the origin: the test waits for it, as a crash loses what is
	// still queued).
	mediatest.WaitFor(t, "the chat lines written", func() bool {
		return storetest.Count(t, db, (*store.ChatMessage)(nil), "session_id = ?", ses.ID) == 6
	})
	c.procs[origin.NodeID].kill(t)
	var moved placement.Room
	mediatest.WaitFor(t, "the room placed on the edge's node once the origin stopped heartbeating", func() bool {
		moved, err = nodes.PlaceJoin(ctx, ses.ID, "viewer3", true)
		return err == nil && moved.NodeID == edge.NodeID && !moved.Edge
	})
	if moved.Generation != 2 {
		t.Fatalf("the room moved with generation %d, want 2", moved.Generation)
	}
	viewer := joinNode(t, moved, ses, "viewer3", authz.SessionParticipant, secret)
	if len(viewer.Joined.Chats) != 6 {
		t.Fatalf("the reopened room's chat: %+v, want the 6 lines said before", viewer.Joined.Chats)
	}
	host = joinNode(t, place("host", false), ses, "host", authz.SessionHost, secret)
	host.Publish("audio", "video")
	waitReceiving(t, viewer, "on the node that was the edge")
}

// cascade is a live session whose room may span two `onair media` processes against one
// store, and the placement the API makes its joins with, at a room share.
type cascade struct {
	db     *bun.DB
	secret []byte
	ses    *store.Session
	procs  map[string]*onairProcess
	nodes  *placement.Nodes
}

// startCascade starts the two nodes and waits until both registered.
func startCascade(t *testing.T, ctx context.Context, share int) *cascade {
	t.Helper()
	db := storetest.Postgres(t)
	c := &cascade{db: db, secret: []byte("cascade test secret " + store.NewSecret(8)), ses: seedLiveSession(t, ctx, db, false)}
	c.procs = startMediaNodes(t, db, c.secret, t.TempDir(), t.TempDir())
	c.nodes = placement.New(placement.Params{DB: db, Secret: c.secret, HeartbeatTimeout: 2 * time.Second, RoomShare: share})
	mediatest.WaitFor(t, "both media nodes registered", func() bool {
		alive, err := c.nodes.Alive(ctx)
		return err == nil && len(alive) == 2
	})
	return c
}

// place is where the API sends person's join (counted: a participant, not staff).
func (c *cascade) place(t *testing.T, ctx context.Context, person string, counted bool) placement.Room {
	t.Helper()
	room, err := c.nodes.PlaceJoin(ctx, c.ses.ID, person, counted)
	if err != nil {
		t.Fatal(err)
	}
	return room
}
