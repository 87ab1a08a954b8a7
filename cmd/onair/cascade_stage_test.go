package main

import (
	"context"
	"testing"
	"time"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/mediatest"
	"github.com/onairhq/onair/media/placement"
	"github.com/onairhq/onair/media/wire"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

// TestCascadeMovesAnEdgeAttendeeAcceptedOnStageToTheOrigin runs two `onair media` processes
// against one store with a room share of 2: the host and a viewer join the origin (a second
// viewer is seated there and does not come), another viewer and the guest are placed on the
// edge. The host invites the guest on stage; the guest
// accepts on the edge and is told stage_moved, their connection closing without a bye; their
// seat now names the origin, so placing their join again (what their page's personal link
// does) sends them there, where they join on stage with no second invitation, publish, and
// the host, the viewer on the origin and the viewer on the edge all receive their audio and
// video. A move that cannot be made (the room placed elsewhere meanwhile) gets
// stage_move_failed; that viewer stays on the edge and the room goes on.
func TestCascadeMovesAnEdgeAttendeeAcceptedOnStageToTheOrigin(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c := startCascade(t, ctx, 2)
	db, secret, ses := c.db, c.secret, c.ses
	place := func(person string, counted bool) placement.Room { t.Helper(); return c.place(t, ctx, person, counted) }
	seatedOn := func(person, nodeID string) bool {
		return storetest.Count(t, db, (*store.RoomSeat)(nil), "session_id = ? AND person_id = ? AND node_id = ?", ses.ID, person, nodeID) == 1
	}

	origin := place("host", false)
	host := joinNode(t, origin, ses, "host", authz.SessionHost, secret)
	onOrigin := joinNode(t, place("viewer1", true), ses, "viewer1", authz.SessionParticipant, secret)
	place("absent", true) // a join token fetched, never used: the origin's share is full
	edge := place("viewer2", true)
	onEdge := joinNode(t, edge, ses, "viewer2", authz.SessionParticipant, secret)
	guestRoom := place("guest", true)
	if !edge.Edge || !guestRoom.Edge || guestRoom.NodeID != edge.NodeID || edge.NodeID == origin.NodeID {
		t.Fatalf("viewer2 placed on %s (edge %v), the guest on %s (edge %v), the origin is %s; want both on the other node",
			edge.NodeID, edge.Edge, guestRoom.NodeID, guestRoom.Edge, origin.NodeID)
	}
	guest := joinNode(t, guestRoom, ses, "guest", authz.SessionParticipant, secret)

	// Accepted on stage on the edge, the guest is moved: told so, disconnected, seated on the
	// origin.
	host.Send(wire.Frame{Type: wire.FrameStageInvite, Person: "guest"})
	guest.Expect(wire.FrameStageInvited)
	guest.Send(wire.Frame{Type: wire.FrameStageAccept})
	guest.ExpectError(wire.CodeStageMoved)
	guest.ExpectClosedWithoutBye()
	if !seatedOn("guest", origin.NodeID) {
		t.Fatalf("the guest's seat does not name the origin %s after the move", origin.NodeID)
	}

	// Their join placed again goes to the origin, where they are on stage at once and publish.
	moved := place("guest", true)
	if moved.Edge || moved.NodeID != origin.NodeID {
		t.Fatalf("the guest placed again on %s (edge %v), want the origin %s", moved.NodeID, moved.Edge, origin.NodeID)
	}
	guest = joinNode(t, moved, ses, "guest", authz.SessionParticipant, secret)
	if f := guest.Expect(wire.FrameStage); f.Person != "guest" || f.OnStage == nil || !*f.OnStage {
		t.Fatalf("the guest's first stage frame on the origin: %+v, want them on stage", f)
	}
	if f := host.Expect(wire.FrameStage); f.Person != "guest" || f.OnStage == nil || !*f.OnStage {
		t.Fatalf("the host's stage frame: %+v, want the guest on stage", f)
	}
	guest.Publish("audio", "video")
	const settle = 20
	receivers := []*mediatest.Client{host, onOrigin, onEdge}
	for _, c := range receivers {
		mediatest.WaitFor(t, c.Name+" receiving 100 audio and 200 video packets of the guest", func() bool {
			a, _ := c.Loss("guest", "audio", settle)
			v, _ := c.Loss("guest", "video", settle)
			return a >= 100 && v >= 200
		})
	}
	for _, c := range receivers {
		for _, kind := range []string{"audio", "video"} {
			got, missing := c.Loss("guest", kind, settle)
			t.Logf("%s: %d %s packets of the guest received, %d missing", c.Name, got, kind, missing)
			if missing != 0 {
				t.Errorf("%s missed %d of the guest's %s packets (received %d) on loopback", c.Name, missing, kind, got)
			}
		}
	}
	people, err := origin.Control.Participants(ctx, ses.ID)
	if err != nil || len(people) != 4 {
		t.Fatalf("the origin's participants: %+v, %v; want the host, two viewers and the guest once", people, err)
	}
	for _, p := range people {
		if p.PersonID == "guest" && (!p.OnStage || p.Publishing != 2) {
			t.Fatalf("the guest on the origin: %+v, want on stage with 2 tracks forwarded", p)
		}
	}

	// A move the store refuses (the room was placed on another node meanwhile) is told to the
	// viewer, who stays on the edge, off stage, in a room that goes on.
	host.Send(wire.Frame{Type: wire.FrameStageInvite, Person: "viewer2"})
	onEdge.Expect(wire.FrameStageInvited)
	if _, err := db.NewUpdate().Model((*store.RoomPlacement)(nil)).Set("node_id = ?", edge.NodeID).
		Where("session_id = ?", ses.ID).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	onEdge.Send(wire.Frame{Type: wire.FrameStageAccept})
	onEdge.ExpectError(wire.CodeStageMoveFailed)
	if !seatedOn("viewer2", edge.NodeID) {
		t.Fatalf("viewer2's seat moved off the edge %s although the move failed", edge.NodeID)
	}
	onEdge.SendRoom(wire.FrameChatSend, wire.RoomFields{Text: "still here"})
	host.ExpectChat("still here")
	before := onEdge.Received("guest", "video")
	mediatest.WaitFor(t, "viewer2 still receiving the guest's video on the edge", func() bool {
		return onEdge.Received("guest", "video")-before >= 20
	})
}

// An attendee on an edge whom the organizers make a speaker while the session is live (a role
// change through the origin's control API) may publish at will, which only the origin carries:
// they are moved there as after a stage invitation, arrive with their new role (the origin
// applies the live change to their old join token) and publish to everyone.
func TestCascadeMovesAnEdgeAttendeeMadeSpeakerToTheOrigin(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c := startCascade(t, ctx, 1)
	origin := c.place(t, ctx, "host", false)
	host := joinNode(t, origin, c.ses, "host", authz.SessionHost, c.secret)
	joinNode(t, c.place(t, ctx, "viewer1", true), c.ses, "viewer1", authz.SessionParticipant, c.secret)
	edge := c.place(t, ctx, "guest", true)
	if !edge.Edge {
		t.Fatalf("the guest placed on the origin %s; want an edge", edge.NodeID)
	}
	guest := joinNode(t, edge, c.ses, "guest", authz.SessionParticipant, c.secret)

	if err := origin.Control.SetRole(ctx, c.ses.ID, "guest", string(authz.SessionSpeaker)); err != nil {
		t.Fatal(err)
	}
	if f := guest.Expect(wire.FrameRole); f.Role != string(authz.SessionSpeaker) {
		t.Fatalf("role frame %+v, want speaker", f)
	}
	guest.ExpectError(wire.CodeStageMoved)
	guest.ExpectClosedWithoutBye()
	moved := c.place(t, ctx, "guest", true)
	if moved.Edge || moved.NodeID != origin.NodeID {
		t.Fatalf("the speaker placed again on %s (edge %v), want the origin %s", moved.NodeID, moved.Edge, origin.NodeID)
	}
	guest = joinNode(t, moved, c.ses, "guest", authz.SessionParticipant, c.secret)
	if guest.Joined.Role != string(authz.SessionSpeaker) {
		t.Fatalf("joined the origin as %q, want the live role speaker", guest.Joined.Role)
	}
	guest.Publish("audio", "video")
	mediatest.WaitFor(t, "the host receiving the speaker's audio and video", func() bool {
		return host.Received("guest", "audio") >= 50 && host.Received("guest", "video") >= 100
	})
}
