package control_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/mediatest"
	"github.com/onairhq/onair/media/wire"
)

const session = "ses_live_room"

func TestControlAPI(t *testing.T) {
	n := mediatest.StartNode(t)
	n.ControlAs(t, "wrong", "POST", "/control/rooms/"+session+"/open", "", 401)
	n.ControlAs(t, "", "GET", "/control/rooms", "", 401)
	n.Control(t, "GET", "/control/rooms/"+session+"/participants", "", 404)
	n.Control(t, "POST", "/control/rooms/"+session+"/open", "", 200)
	if rooms, err := n.MediaCtl().Rooms(context.Background()); err != nil || len(rooms) != 1 || rooms[0] != session {
		t.Fatalf("client rooms %v, %v; want [%s]", rooms, err, session)
	}

	n.Join(t, session, "host", authz.SessionHost)
	guest := n.Join(t, session, "guest", authz.SessionParticipant)
	var list struct {
		Participants []wire.ParticipantInfo `json:"participants"`
	}
	if err := json.Unmarshal(n.Control(t, "GET", "/control/rooms/"+session+"/participants", "", 200), &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Participants) != 2 || list.Participants[0].PersonID != "guest" || list.Participants[1].Role != string(authz.SessionHost) {
		t.Fatalf("participants = %+v", list.Participants)
	}
	n.Control(t, "PUT", "/control/rooms/"+session+"/participants/guest/role", `{"role":"king"}`, 422)
	n.Control(t, "PUT", "/control/rooms/"+session+"/participants/nobody/role", `{"role":"speaker"}`, 404)

	n.Control(t, "POST", "/control/rooms/"+session+"/close", "", 204)
	if f := guest.Expect(wire.FrameBye); f.Code != wire.CodeRoomClosed {
		t.Fatalf("bye frame %+v, want room_closed", f)
	}
	guest.ExpectClosed()
	n.Control(t, "POST", "/control/rooms/"+session+"/close", "", 404)
}
