package authz

import (
	"slices"
	"testing"
)

// TestSpecMatrix reads the authoritative spec and checks every cell of §2–§5 against the code,
// so an edit to the spec fails here until the matrix follows.
func TestSpecMatrix(t *testing.T) {
	tables := parseSpecTables(t, specText(t))
	var cells, minCells, checks int

	cellOf := func(t *testing.T, row specRow, col int) specCell {
		t.Helper()
		c, err := parseCell(row.cells[col])
		if err != nil {
			t.Fatalf("spec line %d: %v", row.line, err)
		}
		return c
	}
	// judged returns the indexes (into row.cells) of the columns to check, and counts the
	// rows × columns the spec has for the final guard.
	judged := func(t *testing.T, n int, known func(string) bool) []int {
		t.Helper()
		var cols []int
		for i, h := range tables[n].header[1:] {
			switch {
			case h == "Source":
			case known(h):
				cols = append(cols, i)
			default:
				t.Fatalf("§%d: column %q has no meaning in this test", n, h)
			}
		}
		minCells += len(cols) * len(tables[n].rows)
		return cols
	}

	// §2: every workspace role, every flag and plan combination.
	t.Run("workspace", func(t *testing.T) {
		roles := map[string]Role{"Owner": RoleOwner, "Admin": RoleAdmin, "Member": RoleMember}
		cols := judged(t, 2, func(h string) bool { _, ok := roles[h]; return ok })
		for _, row := range tables[2].rows {
			for _, a := range row.actions {
				for _, col := range cols {
					role := roles[tables[2].header[col+1]]
					c := cellOf(t, row, col)
					if c.onStage || c.ownOnly {
						t.Fatalf("spec line %d: room condition in the workspace table", row.line)
					}
					cells++
					for _, s := range subjectVariants(role) {
						want := c.mark == markYes || (c.mark == markBilling && billingContactPerSpec(s))
						checks++
						if d := Can(s, a); d.Allowed != want {
							t.Errorf("§2 line %d %s/%s: Can(%+v) = %v (%s), spec cell %q", row.line, a, role, s, d.Allowed, d.Reason, row.cells[col])
						}
					}
				}
			}
		}
	})

	// §3: the Host rights column with everyone who has host rights, the Moderator rights column
	// with everyone who has moderator rights; and hosts/moderators in a room follow the same.
	t.Run("event", func(t *testing.T) {
		columns := map[string]Rights{"Host rights": RightsHost, "Moderator rights": RightsModerator}
		holders := map[Rights][]Subject{}
		for _, role := range []Role{RoleOwner, RoleAdmin, RoleMember} {
			for _, s := range subjectVariants(role) {
				// Which column a subject belongs to is the §1 rule, restated independently.
				r := RightsModerator
				if s.Pricing == PricingContacts || s.HostLicence {
					r = RightsHost
				}
				if got := EventRights(s); got != r {
					t.Errorf("EventRights(%+v) = %q, §1 says %q", s, got, r)
				}
				holders[r] = append(holders[r], s)
			}
		}
		session := map[Rights]SessionRole{RightsHost: SessionHost, RightsModerator: SessionModerator}
		cols := judged(t, 3, func(h string) bool { _, ok := columns[h]; return ok })
		for _, row := range tables[3].rows {
			for _, a := range row.actions {
				for _, col := range cols {
					rights := columns[tables[3].header[col+1]]
					c := cellOf(t, row, col)
					if c.mark == markBilling || c.onStage || c.ownOnly {
						t.Fatalf("spec line %d: unexpected condition in the event table: %q", row.line, row.cells[col])
					}
					want := c.mark == markYes
					cells++
					for _, s := range holders[rights] {
						checks++
						if d := Can(s, a); d.Allowed != want {
							t.Errorf("§3 line %d %s/%s: Can(%+v) = %v (%s), spec cell %q", row.line, a, rights, s, d.Allowed, d.Reason, row.cells[col])
						}
					}
					for _, rc := range roomVariants(session[rights]) {
						checks++
						if d := CanInRoom(rc, a); d.Allowed != want {
							t.Errorf("§3 line %d %s/%s: CanInRoom(%+v) = %v (%s), spec cell %q", row.line, a, rights, rc, d.Allowed, d.Reason, row.cells[col])
						}
					}
				}
			}
		}
	})

	// §4: each session role in every room context; footnotes decide the conditional cells.
	t.Run("room", func(t *testing.T) {
		roles := map[string]SessionRole{"Host": SessionHost, "Moderator": SessionModerator, "Speaker": SessionSpeaker, "Participant": SessionParticipant}
		cols := judged(t, 4, func(h string) bool { _, ok := roles[h]; return ok })
		for _, row := range tables[4].rows {
			for _, a := range row.actions {
				for _, col := range cols {
					role := roles[tables[4].header[col+1]]
					c := cellOf(t, row, col)
					if c.mark == markBilling {
						t.Fatalf("spec line %d: billing contact in the room table", row.line)
					}
					cells++
					for _, rc := range roomVariants(role) {
						want := c.mark == markYes
						switch {
						case c.onStage:
							want = rc.OnStage
						case c.ownOnly:
							want = !rc.PrivateQuestions || rc.OwnQuestion
						}
						checks++
						d := CanInRoom(rc, a)
						if d.Allowed != want {
							t.Errorf("§4 line %d %s/%s: CanInRoom(%+v) = %v (%s), spec cell %q", row.line, a, role, rc, d.Allowed, d.Reason, row.cells[col])
						}
						if !d.Allowed && d.Reason == "" {
							t.Errorf("§4 %s/%s: denial without a reason", a, role)
						}
					}
				}
			}
		}
	})

	// §5: the GoToWebinar table, answered from the same data.
	t.Run("goto", func(t *testing.T) {
		persons := map[string]GoToPerson{
			"Participant": GoToParticipant, "Organizer (member)": GoToOrganizer,
			"Account admin": GoToAccountAdmin, "Billing contact": GoToBillingContact,
		}
		cols := judged(t, 5, func(h string) bool { _, ok := persons[h]; return ok })
		var labels []GoToCapability
		for _, row := range tables[5].rows {
			capability := GoToCapability(row.label)
			labels = append(labels, capability)
			for _, col := range cols {
				p := persons[tables[5].header[col+1]]
				c := cellOf(t, row, col)
				if c.mark == markBilling || c.onStage || c.ownOnly {
					t.Fatalf("spec line %d: unexpected condition in the GoTo table: %q", row.line, row.cells[col])
				}
				cells++
				checks++
				if got, want := GoTo(p, capability), c.mark == markYes; got != want {
					t.Errorf("§5 line %d %q/%s: GoTo = %v, spec cell %q", row.line, capability, p, got, row.cells[col])
				}
			}
		}
		if !slices.Equal(labels, GoToCapabilities()) {
			t.Errorf("§5 rows %q\n   code rows %q", labels, GoToCapabilities())
		}
	})

	// The catalogue and the spec list the same actions, in the same order.
	t.Run("catalogue", func(t *testing.T) {
		additions := []Action{OwnershipTransfer, AuditView, DeckManage}
		ids := func(n int) []Action {
			var out []Action
			for _, row := range tables[n].rows {
				if len(row.actions) == 0 {
					t.Errorf("§%d line %d: no action id in %q", n, row.line, row.label)
				}
				out = append(out, row.actions...)
			}
			return out
		}
		withoutAdditions := func(list []Action) []Action {
			return slices.DeleteFunc(slices.Clone(list), func(a Action) bool { return slices.Contains(additions, a) })
		}
		inSpec := map[Action]bool{}
		for _, tc := range []struct {
			section int
			code    []Action
		}{
			{2, withoutAdditions(WorkspaceActions())},
			{3, withoutAdditions(EventActions())},
			{4, RoomActions()},
		} {
			spec := ids(tc.section)
			for _, a := range spec {
				inSpec[a] = true
				if !Known(a) {
					t.Errorf("§%d action %q is not Known", tc.section, a)
				}
			}
			if !slices.Equal(spec, tc.code) {
				t.Errorf("§%d lists %v\n   code lists %v", tc.section, spec, tc.code)
			}
		}
		for _, list := range [][]Action{WorkspaceActions(), EventActions(), RoomActions()} {
			for _, a := range withoutAdditions(list) {
				if !inSpec[a] {
					t.Errorf("Known action %q is not in the spec", a)
				}
			}
		}
	})

	t.Logf("checked %d spec cells (%d rows × columns in the tables) with %d decisions", cells, minCells, checks)
	if cells < minCells {
		t.Errorf("checked %d cells, fewer than the %d the spec tables hold", cells, minCells)
	}
}

// billingContactPerSpec restates §1 for the test: owner always, admin when flagged, member never.
func billingContactPerSpec(s Subject) bool {
	switch s.Role {
	case RoleOwner:
		return true
	case RoleAdmin:
		return s.BillingContact
	}
	return false
}

// subjectVariants is every combination of flags and pricing for one workspace role.
func subjectVariants(role Role) []Subject {
	var out []Subject
	for _, p := range []Pricing{PricingContacts, PricingSeats} {
		for _, licence := range []bool{false, true} {
			for _, billing := range []bool{false, true} {
				out = append(out, Subject{Role: role, Pricing: p, HostLicence: licence, BillingContact: billing})
			}
		}
	}
	return out
}

// roomVariants is every room context for one session role.
func roomVariants(role SessionRole) []RoomContext {
	var out []RoomContext
	for _, onStage := range []bool{false, true} {
		for _, private := range []bool{false, true} {
			for _, own := range []bool{false, true} {
				out = append(out, RoomContext{Role: role, OnStage: onStage, PrivateQuestions: private, OwnQuestion: own})
			}
		}
	}
	return out
}
