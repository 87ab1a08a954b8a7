package authz

import "testing"

// TestMatrixPublishesWhatCanDecides: every published cell agrees with Can and
// CanInRoom for the subject of its column, so the data cannot drift from the
// decisions.
func TestMatrixPublishesWhatCanDecides(t *testing.T) {
	tables := Matrix()
	if len(tables) != 3 {
		t.Fatalf("%d tables", len(tables))
	}
	for _, tb := range tables {
		for _, r := range tb.Rows {
			if r.Does == "" || len(r.Cells) != len(tb.Columns) {
				t.Fatalf("%s %s: %+v", tb.Name, r.Action, r)
			}
			for _, col := range tb.Columns {
				cell := r.Cells[col]
				var d Decision
				switch tb.Name {
				case "workspace":
					d = Can(Subject{Role: Role(col), Pricing: PricingContacts}, r.Action)
				case "event":
					d = Can(Subject{Role: RoleMember, Pricing: PricingSeats, HostLicence: col == string(RightsHost)}, r.Action)
				case "room":
					d = CanInRoom(RoomContext{Role: SessionRole(col)}, r.Action)
				}
				want := cell == CellAllowed || (cell == CellBillingContact && col == string(RoleOwner)) || cell == CellOwnWhenPrivate
				if d.Allowed != want {
					t.Errorf("%s %s/%s published %q, decided %v (%s)", tb.Name, r.Action, col, cell, d.Allowed, d.Reason)
				}
			}
		}
	}
}
