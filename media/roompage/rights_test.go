package roompage

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/onairhq/onair/authz"
)

// The room page hides every control its person may not use: its rights table (rights.js)
// gives each action exactly the session roles authz allows, on stage and off.
func TestRoomPageRightsFollowAuthz(t *testing.T) {
	js, err := os.ReadFile("assets/rights.js")
	if err != nil {
		t.Fatal(err)
	}
	rows := regexp.MustCompile(`(?m)^\s*'([a-z_.]+)':\s*\[([^\]]*)\],`).FindAllSubmatch(js, -1)
	if len(rows) < 10 {
		t.Fatalf("rights.js has %d rows, want the table of room actions", len(rows))
	}
	for _, row := range rows {
		action := authz.Action(row[1])
		var roles []string
		for _, r := range strings.Split(string(row[2]), ",") {
			roles = append(roles, strings.Trim(strings.TrimSpace(r), "'"))
		}
		if !authz.Known(action) {
			t.Errorf("rights.js names %q, which authz does not know", action)
			continue
		}
		for _, role := range []authz.SessionRole{authz.SessionHost, authz.SessionModerator, authz.SessionSpeaker, authz.SessionParticipant} {
			for _, onStage := range []bool{false, true} {
				page := slices.Contains(roles, string(role)) || (onStage && slices.Contains(roles, string(role)+" on stage"))
				server := authz.CanInRoom(authz.RoomContext{Role: role, OnStage: onStage}, action).Allowed
				if page != server {
					t.Errorf("%s for a %s (on stage %v): the page shows it %v, the media service allows it %v", action, role, onStage, page, server)
				}
			}
		}
	}
}
