package room_test

import (
	"context"
	"testing"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/mediactl"
	"github.com/onairhq/onair/media/mediatest"
	"github.com/onairhq/onair/media/wire"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

// A media node fenced because its heartbeats failed for the node timeout (media/placement)
// closes its rooms as at shutdown (no bye: pages reconnect), turns joins away with a code that
// sends the page back to its personal link, and takes joins again once the fence is lifted.
func TestPlacementFencedNodeClosesItsRoomsAndRefusesJoins(t *testing.T) {
	node := mediatest.StartNodeOn(t, t.TempDir(), storetest.Postgres(t))
	ses := storeSession(t, node.DB, session, store.SessionLive, false)
	must(t, node.MediaCtl().OpenRoom(context.Background(), session, mediactl.OpenRequest{WorkspaceID: ses.WorkspaceID}))
	viewer := node.JoinSession(t, ses, "reg_1", authz.SessionParticipant)

	node.Rooms.SetFenced(true)
	viewer.ExpectClosedWithoutBye()
	refused := node.SendJoin(t, ses, "reg_2", authz.SessionParticipant)
	node.ExpectJoinRefused(t, refused, wire.CodeNodeUnavailable, session)

	node.Rooms.SetFenced(false)
	back := node.JoinSession(t, ses, "reg_1", authz.SessionParticipant)
	if live := back.Joined.Live; live == nil || !*live {
		t.Fatal("the join after the fence was lifted found the room not live")
	}
}
