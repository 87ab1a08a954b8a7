package authz

import (
	"errors"
	"strings"
	"testing"
)

func TestCanWorkspaceAndBilling(t *testing.T) {
	tests := []struct {
		name string
		s    Subject
		a    Action
		want bool
	}{
		{"member views workspace", Subject{Role: RoleMember}, WorkspaceView, true},
		{"member cannot edit profile field", Subject{Role: RoleMember}, WorkspaceEditField, false},
		{"admin edits profile field", Subject{Role: RoleAdmin}, WorkspaceEditField, true},
		{"admin cannot delete workspace", Subject{Role: RoleAdmin}, WorkspaceDelete, false},
		{"owner deletes workspace", Subject{Role: RoleOwner}, WorkspaceDelete, true},
		{"admin cannot remove members", Subject{Role: RoleAdmin}, MemberRemove, false},
		{"member may invite members", Subject{Role: RoleMember}, MemberInvite, true},
		{"member cannot invite admins", Subject{Role: RoleMember}, MemberInviteAdmin, false},
		// Footnote ¹ is the API's 409, not a refusal here.
		{"owner may delete own profile at authz level", Subject{Role: RoleOwner}, ProfileDeleteOwn, true},

		{"owner is always billing contact", Subject{Role: RoleOwner}, PlanUpgrade, true},
		{"owner unflagged changes payment", Subject{Role: RoleOwner, BillingContact: false}, BillingEditPayment, true},
		{"admin unflagged cannot upgrade", Subject{Role: RoleAdmin}, PlanUpgrade, false},
		{"admin flagged upgrades", Subject{Role: RoleAdmin, BillingContact: true}, PlanUpgrade, true},
		{"admin flagged edits billing address", Subject{Role: RoleAdmin, BillingContact: true}, BillingEditAddress, true},
		{"admin unflagged cannot cancel", Subject{Role: RoleAdmin}, PlanCancel, false},
		{"admin unflagged still sees invoices", Subject{Role: RoleAdmin}, InvoiceView, true},
		{"member flagged gets no billing rights", Subject{Role: RoleMember, BillingContact: true}, PlanManage, false},
		{"member flagged cannot edit payment", Subject{Role: RoleMember, BillingContact: true}, BillingEditPayment, false},
		{"member cannot view invoices", Subject{Role: RoleMember}, InvoiceView, false},

		{"owner transfers ownership", Subject{Role: RoleOwner}, OwnershipTransfer, true},
		{"admin cannot transfer ownership", Subject{Role: RoleAdmin, BillingContact: true}, OwnershipTransfer, false},
		{"admin views audit log", Subject{Role: RoleAdmin}, AuditView, true},
		{"member cannot view audit log", Subject{Role: RoleMember}, AuditView, false},
		{"member on a contacts plan uploads decks", Subject{Role: RoleMember, Pricing: PricingContacts}, DeckManage, true},
		{"licensed admin on a seats plan uploads decks", Subject{Role: RoleAdmin, Pricing: PricingSeats, HostLicence: true}, DeckManage, true},
		{"unlicensed admin on a seats plan cannot upload decks", Subject{Role: RoleAdmin, Pricing: PricingSeats}, DeckManage, false},

		{"unknown action refused to owner", Subject{Role: RoleOwner, Pricing: PricingContacts}, "workspace.launch_rockets", false},
		{"empty action refused", Subject{Role: RoleOwner}, "", false},
		{"unknown role refused", Subject{Role: "superuser"}, WorkspaceView, false},
		{"room-only action refused by Can", Subject{Role: RoleOwner, Pricing: PricingContacts, HostLicence: true}, RoomDashboard, false},
		{"room-only stage.join refused by Can", Subject{Role: RoleOwner, Pricing: PricingContacts}, StageJoin, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Can(tt.s, tt.a)
			if d.Allowed != tt.want {
				t.Fatalf("Can(%+v, %q) = %v (%s), want %v", tt.s, tt.a, d.Allowed, d.Reason, tt.want)
			}
			if d.Action != tt.a {
				t.Errorf("Decision.Action = %q, want %q", d.Action, tt.a)
			}
			if !d.Allowed && d.Reason == "" {
				t.Errorf("denial of %q has no reason", tt.a)
			}
		})
	}
}

func TestBillingContactFlag(t *testing.T) {
	tests := []struct {
		s    Subject
		want bool
	}{
		{Subject{Role: RoleOwner}, true},
		{Subject{Role: RoleAdmin}, false},
		{Subject{Role: RoleAdmin, BillingContact: true}, true},
		{Subject{Role: RoleMember, BillingContact: true}, false},
		{Subject{Role: "guest", BillingContact: true}, false},
	}
	for _, tt := range tests {
		if got := tt.s.isBillingContact(); got != tt.want {
			t.Errorf("%+v billing contact = %v, want %v", tt.s, got, tt.want)
		}
	}
}

func TestEventRightsFollowPricing(t *testing.T) {
	tests := []struct {
		name string
		s    Subject
		want Rights
	}{
		{"contacts member without licence", Subject{Role: RoleMember, Pricing: PricingContacts}, RightsHost},
		{"contacts admin without licence", Subject{Role: RoleAdmin, Pricing: PricingContacts}, RightsHost},
		{"contacts owner", Subject{Role: RoleOwner, Pricing: PricingContacts}, RightsHost},
		{"seats member with licence", Subject{Role: RoleMember, Pricing: PricingSeats, HostLicence: true}, RightsHost},
		{"seats admin with licence", Subject{Role: RoleAdmin, Pricing: PricingSeats, HostLicence: true}, RightsHost},
		{"seats member without licence", Subject{Role: RoleMember, Pricing: PricingSeats}, RightsModerator},
		{"seats admin without licence", Subject{Role: RoleAdmin, Pricing: PricingSeats}, RightsModerator},
		{"seats owner without licence follows admin rule", Subject{Role: RoleOwner, Pricing: PricingSeats}, RightsModerator},
		{"seats owner with licence", Subject{Role: RoleOwner, Pricing: PricingSeats, HostLicence: true}, RightsHost},
		{"billing flag does not buy host rights", Subject{Role: RoleAdmin, Pricing: PricingSeats, BillingContact: true}, RightsModerator},
		{"unknown pricing gets the lesser column", Subject{Role: RoleAdmin, Pricing: "", HostLicence: true}, RightsModerator},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := EventRights(tt.s); got != tt.want {
				t.Fatalf("EventRights(%+v) = %q, want %q", tt.s, got, tt.want)
			}
			wantRole := SessionModerator
			if tt.want == RightsHost {
				wantRole = SessionHost
			}
			if got := SessionRoleFor(tt.s); got != wantRole {
				t.Errorf("SessionRoleFor(%+v) = %q, want %q", tt.s, got, wantRole)
			}
			// event.create is the host-only action every caller cares about.
			if got := Can(tt.s, EventCreate).Allowed; got != (tt.want == RightsHost) {
				t.Errorf("Can(%+v, event.create) = %v with rights %q", tt.s, got, tt.want)
			}
			// event.share is open to both columns.
			if !Can(tt.s, EventShare).Allowed {
				t.Errorf("Can(%+v, event.share) refused; both columns allow it", tt.s)
			}
		})
	}
}

func TestDecisionErr(t *testing.T) {
	seatsAdmin := Subject{Role: RoleAdmin, Pricing: PricingSeats}

	if err := Can(seatsAdmin, EventShare).Err(); err != nil {
		t.Fatalf("allowed decision Err() = %v, want nil", err)
	}

	d := Can(seatsAdmin, EventCreate)
	err := d.Err()
	if err == nil {
		t.Fatal("denied decision Err() = nil")
	}
	if !errors.Is(err, ErrDenied) {
		t.Errorf("errors.Is(%v, ErrDenied) = false", err)
	}
	var de *DeniedError
	if !errors.As(err, &de) {
		t.Fatalf("errors.As(%v, *DeniedError) = false", err)
	}
	if de.Action != EventCreate || de.Reason != d.Reason {
		t.Errorf("DeniedError = %+v, want action %q reason %q", de, EventCreate, d.Reason)
	}
	want := "admin without a host licence has moderator rights only on a seats plan"
	if !strings.Contains(de.Reason, want) {
		t.Errorf("reason %q does not explain the pricing rule (%q)", de.Reason, want)
	}
	if !strings.Contains(err.Error(), string(EventCreate)) {
		t.Errorf("error %q does not name the action", err)
	}

	if got := Can(Subject{Role: RoleMember}, WorkspaceEditField).Reason; got != "members cannot edit the workspace profile" {
		t.Errorf("member edit_field reason = %q", got)
	}
	if got := Can(Subject{Role: RoleOwner}, "nope.nothing").Reason; got != "unknown action" {
		t.Errorf("unknown action reason = %q", got)
	}
}

func TestCatalogue(t *testing.T) {
	seen := map[Action]bool{}
	for _, list := range [][]Action{WorkspaceActions(), EventActions(), RoomActions()} {
		for _, a := range list {
			if !Known(a) {
				t.Errorf("%q is listed but not Known", a)
			}
			if _, ok := phrases[a]; !ok {
				t.Errorf("%q has no phrase for reasons", a)
			}
			seen[a] = true
		}
	}
	// 30 + 2 additions, 16 + 1 addition, 29; question.answer and stage.invite are shared by §3 and §4.
	if got, want := len(seen), 32+17+29-2; got != want {
		t.Errorf("distinct actions = %d, want %d", got, want)
	}
	if len(phrases) != len(seen) {
		t.Errorf("phrases has %d entries for %d actions", len(phrases), len(seen))
	}
	for _, a := range []Action{"", "workspace", "Workspace.View", "room.dashboard ", "ownership.take"} {
		if Known(a) {
			t.Errorf("Known(%q) = true", a)
		}
	}
	ws := WorkspaceActions()
	if ws[len(ws)-2] != OwnershipTransfer || ws[len(ws)-1] != AuditView {
		t.Errorf("WorkspaceActions must end with the two additions, got %v", ws[len(ws)-2:])
	}
	ws[0] = "mutated"
	if WorkspaceActions()[0] != WorkspaceView {
		t.Error("WorkspaceActions returns the package's own slice")
	}
}
