package api_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/hostctl"
	"github.com/onairhq/onair/media/jointoken"
	"github.com/onairhq/onair/media/wire"
	"github.com/onairhq/onair/store"
)

// TestHostGoesLiveAndEndsFromTheRoom: the event's creator, waiting in the green room, goes live
// and later ends the session from the room; the media node takes both to the API, which runs
// the session workflow's updates. A moderator is refused by the room, a refused update comes
// back as an error frame, and the route refuses anyone but the session's hosts.
func TestHostGoesLiveAndEndsFromTheRoom(t *testing.T) {
	team := newSeatsTeam(t)
	h, ses := team.h, team.ses

	host := joinRoom(t, ses, team.memberToken(team.owner, authz.SessionHost))
	moderator := joinRoom(t, ses, team.memberToken(team.bob, authz.SessionModerator))
	moderator.send(wire.Frame{Type: wire.FrameSessionStart})
	moderator.expectRefused(wire.CodeDenied, string(authz.RoomStartStop))

	host.send(wire.Frame{Type: wire.FrameSessionStart})
	host.expect(wire.FrameLive, nil)
	moderator.expect(wire.FrameLive, nil)
	h.waitStatus(team.owner, ses, store.SessionLive)

	// Going live twice is the workflow's refusal, told to the host.
	host.send(wire.Frame{Type: wire.FrameSessionStart})
	host.expectRefused(wire.CodeSessionControlFailed, "")

	// The route itself: a join token of the session is required, and a host's only.
	path := fmt.Sprintf(hostctl.StopPath, ses)
	wantProblem(t, h.call("POST", path, "", map[string]any{}), http.StatusBadRequest, "token")
	wantProblem(t, h.call("POST", path, "", hostctl.Request{Token: "not.a-token"}), http.StatusUnauthorized, "")
	sign := func(person string, role authz.SessionRole) hostctl.Request {
		tok, err := jointoken.Sign(team.node.secret, jointoken.Claims{SessionID: ses, WorkspaceID: team.owner.WorkspaceID,
			PersonID: person, Role: role, Name: person, ExpiresAt: time.Now().Add(time.Minute).Unix()})
		if err != nil {
			t.Fatal(err)
		}
		return hostctl.Request{Token: tok}
	}
	wantProblem(t, h.call("POST", path, "", sign("reg_someone", authz.SessionParticipant)), http.StatusForbidden, "")
	// The store decides, not the token's role: Bob is no host whatever a token says.
	wantProblem(t, h.call("POST", path, "", sign(team.bob.MemberID, authz.SessionHost)), http.StatusForbidden, "")

	host.send(wire.Frame{Type: wire.FrameSessionStop})
	if f := host.expect(wire.FrameBye, nil); f.Code != wire.CodeRoomClosed {
		t.Fatalf("bye %+v, want room_closed", f)
	}
	h.waitStatus(team.owner, ses, store.SessionEnded)

	var audit struct {
		Data []store.AuditEntry `json:"data"`
	}
	h.must(http.StatusOK, "GET", "/v1/audit-log?action="+string(authz.RoomStartStop), team.owner.Key, nil).json(t, &audit)
	outcomes := map[string]int{}
	for _, e := range audit.Data {
		outcomes[e.Outcome]++
	}
	if outcomes[store.OutcomeGranted] != 2 || outcomes[store.OutcomeDenied] != 1 {
		t.Fatalf("audit of room.start_stop %v, want the start and the stop granted, Bob's try denied", outcomes)
	}
}
