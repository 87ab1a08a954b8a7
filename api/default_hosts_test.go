package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/mediactl"
	"github.com/onairhq/onair/media/wire"
	"github.com/onairhq/onair/store"
)

// TestCreatorAndOwnerHostByDefault: the person who created an event and the workspace's owner
// host its sessions without being assigned (spec §4), so the creator can press REC in their own
// session; an assignment as moderator overrides it, and host rights still decide (a seats plan
// without a licence makes a moderator). Changes reach a connected person at once.
func TestCreatorAndOwnerHostByDefault(t *testing.T) {
	team := newSeatsTeam(t)
	h := team.h
	ev := h.must(http.StatusCreated, "POST", "/v1/events", team.alice.Key, map[string]any{"title": "Alice's own",
		"settings": map[string]any{"reminder_offsets_minutes": []int{}}}).field(t, "id")
	team.ses = h.must(http.StatusCreated, "POST", "/v1/events/"+ev+"/sessions", team.alice.Key,
		map[string]any{"starts_at": future(time.Hour), "duration_minutes": 30, "timezone": "UTC"}).field(t, "id")
	ses := team.ses

	// Before the start: the creator and the owner are hosts, another licensed member is not.
	team.memberToken(team.bob, authz.SessionModerator)
	team.memberToken(team.owner, authz.SessionHost)
	h.must(http.StatusOK, "POST", "/v1/sessions/"+ses+"/start", team.alice.Key, nil)
	h.waitStatus(team.alice, ses, store.SessionLive)

	// The creator records her own session without assigning herself.
	alice := joinRoom(t, ses, team.memberToken(team.alice, authz.SessionHost))
	alice.send(wire.Frame{Type: wire.FrameRecordStart})
	alice.expect(wire.FrameRecording, recordingIs(mediactl.RecordingActive))

	// Assigned as moderator, she is one, live and in her next token; unassigned, host again.
	staff := team.assign(team.alice, "moderator")
	alice.expectRole(authz.SessionModerator)
	alice.send(wire.Frame{Type: wire.FrameRecordStop})
	alice.expectRefused(wire.CodeDenied, string(authz.RoomRecord))
	team.memberToken(team.alice, authz.SessionModerator)
	h.must(http.StatusNoContent, "DELETE", "/v1/staff/"+staff, team.owner.Key, nil)
	alice.expectRole(authz.SessionHost)
	team.memberToken(team.alice, authz.SessionHost)

	// The owner hosts by default, as long as they have host rights: on this seats plan, a
	// licence. Taking it away makes the connected owner a moderator at once.
	owner := joinRoom(t, ses, team.memberToken(team.owner, authz.SessionHost))
	h.must(http.StatusOK, "PATCH", "/v1/members/"+team.owner.MemberID, team.owner.Key, map[string]bool{"host_licence": false})
	owner.expectRole(authz.SessionModerator)
	team.memberToken(team.owner, authz.SessionModerator)
	// Alice's licence is untouched: she stops the recording she started.
	alice.send(wire.Frame{Type: wire.FrameRecordStop})
	alice.expect(wire.FrameRecording, recordingIs(mediactl.RecordingStopped))
}
