package media

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/mediactl"
	"github.com/onairhq/onair/media/wire"
)

func (n *Node) Control(t *testing.T, method, path, body string, want int) []byte {
	t.Helper()
	return n.ControlAs(t, mediactl.ControlKey(TestSecret), method, path, body, want)
}

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

func TestControlAPI(t *testing.T) {
	n := StartNode(t)
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
