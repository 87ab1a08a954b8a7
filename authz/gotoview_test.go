package authz

import "testing"

func TestGoTo(t *testing.T) {
	// The §5 table, written out by hand: participant, organizer, account admin, billing contact.
	want := map[GoToCapability][4]bool{
		GoToAccountRequired:         {false, true, true, true},
		GoToJoinSessions:            {true, true, true, true},
		GoToScheduleAndHostSessions: {false, true, true, true},
		GoToManagePersonalSettings:  {false, true, true, true},
		GoToManageOrganizers:        {false, false, true, true},
		GoToManageAccountSettings:   {false, false, true, true},
		GoToChangeSubscriptions:     {false, false, false, true},
		GoToChangeBillingInfo:       {false, false, false, true},
	}
	persons := [4]GoToPerson{GoToParticipant, GoToOrganizer, GoToAccountAdmin, GoToBillingContact}
	if len(GoToCapabilities()) != len(want) {
		t.Fatalf("GoToCapabilities() has %d rows, want %d", len(GoToCapabilities()), len(want))
	}
	for _, c := range GoToCapabilities() {
		row, ok := want[c]
		if !ok {
			t.Errorf("unexpected capability %q", c)
			continue
		}
		for i, p := range persons {
			if got := GoTo(p, c); got != row[i] {
				t.Errorf("GoTo(%q, %q) = %v, want %v", p, c, got, row[i])
			}
		}
	}
	if GoTo("auditor", GoToJoinSessions) {
		t.Error("unknown person granted a capability")
	}
	if GoTo(GoToBillingContact, "Launch rockets") {
		t.Error("unknown capability granted")
	}
}
