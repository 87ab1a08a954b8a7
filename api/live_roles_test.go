package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/mediactl"
	"github.com/onairhq/onair/media/wire"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

// seatsTeam is a workspace on the per-licence plan whose owner and two members hold host
// licences, with a session in an hour.
type seatsTeam struct {
	h                 *harness
	node              *mediaNode
	owner, alice, bob account
	ses               string
}

func newSeatsTeam(t *testing.T) *seatsTeam {
	t.Helper()
	db := storetest.Postgres(t)
	node := startMediaNode(t, db)
	h := newHarnessOn(t, db, node)
	owner := h.signup("Live roles")
	h.must(http.StatusOK, "PUT", "/v1/billing/plan", owner.Key, map[string]any{"plan": "team", "seats": 3})
	h.must(http.StatusOK, "PATCH", "/v1/members/"+owner.MemberID, owner.Key, map[string]bool{"host_licence": true})
	team := &seatsTeam{h: h, node: node, owner: owner, alice: h.join(owner, "member", false, true), bob: h.join(owner, "member", false, true)}
	ev := h.must(http.StatusCreated, "POST", "/v1/events", owner.Key, map[string]any{"title": "Roles, live",
		"settings": map[string]any{"reminder_offsets_minutes": []int{}}}).field(t, "id")
	team.ses = h.must(http.StatusCreated, "POST", "/v1/events/"+ev+"/sessions", owner.Key,
		map[string]any{"starts_at": future(time.Hour), "duration_minutes": 30, "timezone": "UTC"}).field(t, "id")
	return team
}

func (s *seatsTeam) memberToken(who account, role authz.SessionRole) reply {
	s.h.t.Helper()
	tok := s.h.must(http.StatusOK, "POST", "/v1/sessions/"+s.ses+"/join-token", who.Key, nil)
	if got := tok.field(s.h.t, "role"); got != string(role) {
		s.h.t.Fatalf("join token role %s, want %s", got, role)
	}
	return tok
}

func (s *seatsTeam) assign(who account, role string) string {
	s.h.t.Helper()
	return s.h.must(http.StatusCreated, "POST", "/v1/sessions/"+s.ses+"/staff", s.owner.Key,
		map[string]any{"member_id": who.MemberID, "role": role}).field(s.h.t, "id")
}

// expectRole waits for the frame telling c its session role changed to role.
func (c *roomClient) expectRole(role authz.SessionRole) {
	c.t.Helper()
	c.expect(wire.FrameRole, func(f wire.Frame) bool { return f.Role == string(role) })
}

// expectRefused waits for an error frame with code whose message says what (e.g. the action).
func (c *roomClient) expectRefused(code, what string) {
	c.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		f := c.next(deadline, code+" refusal")
		if f.Type != wire.FrameError {
			continue
		}
		if f.Code != code || !strings.Contains(f.Message, what) {
			c.t.Fatalf("error frame %s %q, want %s naming %s", f.Code, f.Message, code, what)
		}
		return
	}
}

func recordingIs(state string) func(wire.Frame) bool {
	return func(f wire.Frame) bool { return f.Recording != nil && f.Recording.State == state }
}

// TestStaffChangesApplyLive: staff and membership writes change what a connected person may
// do in the live room at once, without them reconnecting (spec §6).
func TestStaffChangesApplyLive(t *testing.T) {
	team := newSeatsTeam(t)
	h, ses, node := team.h, team.ses, team.node
	h.must(http.StatusOK, "POST", "/v1/sessions/"+ses+"/start", team.owner.Key, nil)
	h.waitStatus(team.owner, ses, store.SessionLive)
	control := mediactl.New(node.srv.URL, node.secret, nil)

	// A moderator assigned as host may press REC from then on.
	alice := joinRoom(t, ses, team.memberToken(team.alice, authz.SessionModerator))
	alice.send(wire.Frame{Type: wire.FrameRecordStart})
	alice.expectRefused(wire.CodeDenied, string(authz.RoomRecord))
	aliceHost := team.assign(team.alice, "host")
	alice.expectRole(authz.SessionHost)
	alice.send(wire.Frame{Type: wire.FrameRecordStart})
	alice.expect(wire.FrameRecording, recordingIs(mediactl.RecordingActive))

	// Removed from the staff, she is a moderator again: REC is no longer hers to stop.
	h.must(http.StatusNoContent, "DELETE", "/v1/staff/"+aliceHost, team.owner.Key, nil)
	alice.expectRole(authz.SessionModerator)
	alice.send(wire.Frame{Type: wire.FrameRecordStop})
	alice.expectRefused(wire.CodeDenied, string(authz.RoomRecord))

	// A host whose licence is taken away drops to moderator, and back with it.
	team.assign(team.bob, "host")
	bob := joinRoom(t, ses, team.memberToken(team.bob, authz.SessionHost))
	h.must(http.StatusOK, "PATCH", "/v1/members/"+team.bob.MemberID, team.owner.Key, map[string]bool{"host_licence": false})
	bob.expectRole(authz.SessionModerator)
	bob.send(wire.Frame{Type: wire.FrameRecordStop})
	bob.expectRefused(wire.CodeDenied, string(authz.RoomRecord))
	h.must(http.StatusOK, "PATCH", "/v1/members/"+team.bob.MemberID, team.owner.Key, map[string]bool{"host_licence": true})
	bob.expectRole(authz.SessionHost)
	bob.send(wire.Frame{Type: wire.FrameRecordStop})
	bob.expect(wire.FrameRecording, recordingIs(mediactl.RecordingStopped))

	// Removed from the workspace, he keeps no staff power in the room.
	h.must(http.StatusNoContent, "DELETE", "/v1/members/"+team.bob.MemberID, team.owner.Key, nil)
	bob.expectRole(authz.SessionParticipant)
	bob.send(wire.Frame{Type: wire.FramePollCreate, RoomFields: wire.RoomFields{Text: "Still here?", Options: []string{"yes", "no"}}})
	bob.expectRefused(wire.CodeDenied, string(authz.PollCreateSend))
	// So is one who leaves it.
	h.must(http.StatusNoContent, "DELETE", "/v1/me", team.alice.Key, nil)
	alice.expectRole(authz.SessionParticipant)

	// An external speaker removed from the staff leaves the stage at once: what they publish
	// stops being forwarded, and a new track is refused.
	sam := h.must(http.StatusCreated, "POST", "/v1/sessions/"+ses+"/staff", team.owner.Key,
		map[string]any{"email": email("sam"), "name": "Sam", "role": "speaker"}).field(t, "id")
	speaker := newPublisher(t, ses, h.must(http.StatusOK, "POST", "/v1/public/join", "",
		map[string]string{"token": joinTokenOf[store.SessionStaff](t, h, sam)}))
	speaker.Publish("video")
	waitFor(t, 30*time.Second, "the speaker's video forwarded", func() bool {
		p := participant(t, control, ses, sam)
		return p.Publishing == 1 && p.OnStage
	})
	spare := h.must(http.StatusOK, "POST", "/v1/public/join", "", map[string]string{"token": joinTokenOf[store.SessionStaff](t, h, sam)})
	h.must(http.StatusNoContent, "DELETE", "/v1/staff/"+sam, team.owner.Key, nil)
	speaker.expectRole(authz.SessionParticipant)
	if p := participant(t, control, ses, sam); p.Publishing != 0 || p.OnStage || p.Role != string(authz.SessionParticipant) {
		t.Fatalf("removed speaker in the room: %+v", p)
	}
	speaker.Publish("audio")
	speaker.expectRefused(wire.CodePublishRefused, "stage")

	// A join token fetched before the removal does not bring the speaker back on stage.
	again := newPublisher(t, ses, spare)
	if p := participant(t, control, ses, sam); p.Role != string(authz.SessionParticipant) {
		t.Fatalf("the removed speaker rejoined with an earlier token as %s", p.Role)
	}
	again.Publish("video")
	again.expectRefused(wire.CodePublishRefused, "stage")
}

// participant is personID as the media node lists them.
func participant(t *testing.T, control *mediactl.Client, session, personID string) mediactl.Participant {
	t.Helper()
	list, err := control.Participants(context.Background(), session)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range list {
		if p.PersonID == personID {
			return p
		}
	}
	t.Fatalf("%s is not in the room: %+v", personID, list)
	return mediactl.Participant{}
}

// TestStaffChangesWithMediaDown: the media node being unreachable never fails a staff or
// membership write; the new role is in the next join token.
func TestStaffChangesWithMediaDown(t *testing.T) {
	team := newSeatsTeam(t)
	h := team.h
	team.node.srv.Close()

	host := team.assign(team.alice, "host")
	team.memberToken(team.alice, authz.SessionHost)
	h.must(http.StatusNoContent, "DELETE", "/v1/staff/"+host, team.owner.Key, nil)
	team.memberToken(team.alice, authz.SessionModerator)
	team.assign(team.bob, "host")
	h.must(http.StatusOK, "PATCH", "/v1/members/"+team.bob.MemberID, team.owner.Key, map[string]bool{"host_licence": false})
	team.memberToken(team.bob, authz.SessionModerator)
	sam := h.must(http.StatusCreated, "POST", "/v1/sessions/"+team.ses+"/staff", team.owner.Key,
		map[string]any{"email": email("sam"), "name": "Sam", "role": "speaker"}).field(t, "id")
	h.must(http.StatusNoContent, "DELETE", "/v1/staff/"+sam, team.owner.Key, nil)
	h.must(http.StatusNoContent, "DELETE", "/v1/members/"+team.bob.MemberID, team.owner.Key, nil)
}

// TestPlanChangeMovesHostsLive: a plan change between the pricing models changes who has host
// rights (spec §1), and a connected assigned host follows it in the room at once (spec §6).
// The way back, contacts to seats, is a downgrade that waits for the period's end; the same
// activity pushes it when it takes effect.
func TestPlanChangeMovesHostsLive(t *testing.T) {
	team := newSeatsTeam(t)
	h, ses := team.h, team.ses
	carol := h.join(team.owner, "member", false, false) // no host licence
	team.assign(carol, "host")
	team.assign(team.alice, "host")
	h.must(http.StatusOK, "POST", "/v1/sessions/"+ses+"/start", team.owner.Key, nil)
	h.waitStatus(team.owner, ses, store.SessionLive)

	// On the seats plan, an assigned host without a licence is a moderator; on a contacts plan
	// every team member has host rights, so she becomes the host she was assigned as.
	room := joinRoom(t, ses, team.memberToken(carol, authz.SessionModerator))
	licensed := joinRoom(t, ses, team.memberToken(team.alice, authz.SessionHost))
	h.must(http.StatusOK, "PUT", "/v1/billing/plan", team.owner.Key, map[string]any{"plan": "business"})
	room.expectRole(authz.SessionHost)
	room.send(wire.Frame{Type: wire.FrameRecordStart})
	room.expect(wire.FrameRecording, recordingIs(mediactl.RecordingActive))

	// The licence holder was a host already and stays one.
	licensed.send(wire.Frame{Type: wire.FrameRecordStop})
	licensed.expect(wire.FrameRecording, recordingIs(mediactl.RecordingStopped))
}

// TestRemovedMemberEarlierTokenInLaterRoom: a join token a team member fetched before being
// removed from the workspace gives no staff power in a session whose room opens afterwards.
func TestRemovedMemberEarlierTokenInLaterRoom(t *testing.T) {
	team := newSeatsTeam(t)
	h, ses := team.h, team.ses
	earlier := team.memberToken(team.bob, authz.SessionModerator)
	h.must(http.StatusNoContent, "DELETE", "/v1/members/"+team.bob.MemberID, team.owner.Key, nil)
	h.must(http.StatusOK, "POST", "/v1/sessions/"+ses+"/start", team.owner.Key, nil)
	h.waitStatus(team.owner, ses, store.SessionLive)

	bob := joinRoom(t, ses, earlier)
	control := mediactl.New(team.node.srv.URL, team.node.secret, nil)
	if p := participant(t, control, ses, team.bob.MemberID); p.Role != string(authz.SessionParticipant) {
		t.Fatalf("the removed member joined as %s with a token fetched before the removal", p.Role)
	}
	bob.send(wire.Frame{Type: wire.FramePollCreate, RoomFields: wire.RoomFields{Text: "Still staff?", Options: []string{"yes", "no"}}})
	bob.expectRefused(wire.CodeDenied, string(authz.PollCreateSend))
}
