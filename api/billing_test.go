package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/onairhq/onair/store"
)

var billingAddress = map[string]string{"line1": "1 Main Street", "city": "Lyon", "postal_code": "69001", "country": "FR"}

// paidInvoice returns the id of an invoice of owner's workspace, upgrading a Free workspace to
// a paid plan first (the local provider bills the first period).
func (h *harness) paidInvoice(owner account) string {
	h.t.Helper()
	var list struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	h.must(http.StatusOK, "GET", "/v1/billing/invoices", owner.Key, nil).json(h.t, &list)
	if len(list.Data) == 0 {
		h.must(http.StatusOK, "PUT", "/v1/billing/plan", owner.Key, map[string]string{"plan": "business"})
		h.must(http.StatusOK, "GET", "/v1/billing/invoices", owner.Key, nil).json(h.t, &list)
	}
	if len(list.Data) == 0 {
		h.t.Fatal("no invoice after upgrading")
	}
	return list.Data[0].ID
}

type overview struct {
	Plan struct {
		ID string `json:"id"`
	} `json:"plan"`
	Subscription struct {
		Seats             int    `json:"seats"`
		Status            string `json:"status"`
		CancelAtPeriodEnd bool   `json:"cancel_at_period_end"`
		PendingPlan       string `json:"pending_plan"`
		DunningSince      string `json:"dunning_since"`
	} `json:"subscription"`
	Usage struct {
		HostLicences int `json:"host_licences"`
	} `json:"usage"`
}

func (h *harness) billing_(key string) overview {
	h.t.Helper()
	var o overview
	h.must(http.StatusOK, "GET", "/v1/billing", key, nil).json(h.t, &o)
	return o
}

func TestBillingPlansSeatsAndLicences(t *testing.T) {
	h := sqliteHarness(t)
	owner := h.signup("Seats")
	var o overview
	// On a seats plan the team is bounded by licences, not by size: a Free workspace goes to
	// Team first, then grows.
	h.must(http.StatusOK, "PUT", "/v1/billing/plan", owner.Key, map[string]any{"plan": "team", "seats": 1}).json(t, &o)
	if o.Plan.ID != "team" || o.Subscription.Seats != 1 || o.Subscription.Status != "active" {
		t.Fatalf("after subscribing to team: %+v", o)
	}
	a, b := h.join(owner, "member", false, false), h.join(owner, "admin", false, false)
	h.must(http.StatusOK, "PATCH", "/v1/members/"+a.MemberID, owner.Key, map[string]bool{"host_licence": true})
	p := isProblem(t, h.call("PATCH", "/v1/members/"+b.MemberID, owner.Key, map[string]bool{"host_licence": true}), http.StatusUnprocessableEntity)
	if p["field"] != "host_licence" || !strings.Contains(p["detail"].(string), "1 host licence") {
		t.Fatalf("licence beyond seats: %v", p)
	}
	h.must(http.StatusOK, "PUT", "/v1/billing/seats", owner.Key, map[string]int{"seats": 2})
	h.must(http.StatusOK, "PATCH", "/v1/members/"+b.MemberID, owner.Key, map[string]bool{"host_licence": true})
	p = isProblem(t, h.call("PUT", "/v1/billing/seats", owner.Key, map[string]int{"seats": 1}), http.StatusUnprocessableEntity)
	if !strings.Contains(p["detail"].(string), "host_licences") {
		t.Fatalf("release below assignments: %v", p)
	}
	if o := h.billing_(owner.Key); o.Subscription.Seats != 2 || o.Usage.HostLicences != 2 {
		t.Fatalf("after seats: %+v", o)
	}
	// Downgrading to a contacts plan whose host limit the team exceeds.
	p = isProblem(t, h.call("PUT", "/v1/billing/plan", owner.Key, map[string]string{"plan": "free"}), http.StatusUnprocessableEntity)
	if !strings.Contains(p["detail"].(string), "max_hosts") {
		t.Fatalf("downgrade below usage: %v", p)
	}
}

func TestBillingBadInput(t *testing.T) {
	h := sqliteHarness(t)
	owner := h.signup("Bad billing")
	for _, c := range []struct {
		method, path string
		body         any
		status       int
		field        string
	}{
		{"PUT", "/v1/billing/plan", map[string]string{"plan": "platinum"}, 400, "plan"},
		{"PUT", "/v1/billing/plan", map[string]any{"plan": "team", "seats": 0}, 400, "seats"},
		{"PUT", "/v1/billing/plan", map[string]any{"plan": "team", "seats": -3}, 400, "seats"},
		{"PUT", "/v1/billing/seats", map[string]int{"seats": 0}, 400, "seats"},
		{"PUT", "/v1/billing/seats", map[string]int{"seats": -1}, 400, "seats"},
		{"PUT", "/v1/billing/seats", map[string]int{"seats": 2}, 422, "seats"}, // not a seats plan
		{"PUT", "/v1/billing/address", map[string]string{"line1": "x", "city": "y", "postal_code": "1", "country": "France"}, 400, "country"},
		{"POST", "/v1/billing/cancel", nil, 422, ""}, // nothing to cancel on the free plan
	} {
		p := isProblem(t, h.call(c.method, c.path, owner.Key, c.body), c.status)
		if c.field != "" && p["field"] != c.field {
			t.Errorf("%s %s %v: field %v, want %s", c.method, c.path, c.body, p["field"], c.field)
		}
	}
	if o := h.billing_(owner.Key); o.Plan.ID != "free" {
		t.Fatalf("bad input changed the plan: %+v", o)
	}
}

func TestBillingCardDeclinedIs402WithTheReason(t *testing.T) {
	h := sqliteHarness(t)
	owner := h.signup("Declined")
	h.must(http.StatusOK, "POST", "/v1/billing/payment-method", owner.Key, nil)
	ws, err := store.GetWorkspace(context.Background(), h.db, owner.WorkspaceID)
	if err != nil || ws.StripeCustomerID == "" {
		t.Fatalf("no customer after payment-method: %v", err)
	}
	h.billing.Decline(ws.StripeCustomerID, "insufficient_funds")
	p := isProblem(t, h.call("PUT", "/v1/billing/plan", owner.Key, map[string]string{"plan": "pro"}), http.StatusPaymentRequired)
	if !strings.Contains(p["detail"].(string), "insufficient_funds") {
		t.Fatalf("decline problem: %v", p)
	}
	if o := h.billing_(owner.Key); o.Plan.ID != "free" {
		t.Fatalf("declined card changed the plan: %+v", o)
	}
	h.must(http.StatusOK, "PUT", "/v1/billing/plan", owner.Key, map[string]string{"plan": "pro"})
}

func TestBillingCancelResumeDowngradeAndAudit(t *testing.T) {
	h := sqliteHarness(t)
	owner := h.signupTeam("Lifecycle")
	billingAdmin := h.join(owner, "admin", true, false)
	var o overview
	h.must(http.StatusOK, "PUT", "/v1/billing/plan", billingAdmin.Key, map[string]string{"plan": "pro"}).json(t, &o)
	if o.Plan.ID != "business" || o.Subscription.PendingPlan != "pro" {
		t.Fatalf("downgrade applied before period end: %+v", o)
	}
	o = overview{}
	h.must(http.StatusOK, "POST", "/v1/billing/cancel", billingAdmin.Key, nil).json(t, &o)
	if !o.Subscription.CancelAtPeriodEnd || o.Subscription.PendingPlan != "free" {
		t.Fatalf("cancel: %+v", o)
	}
	o = overview{}
	h.must(http.StatusOK, "POST", "/v1/billing/resume", billingAdmin.Key, nil).json(t, &o)
	if o.Subscription.CancelAtPeriodEnd || o.Subscription.PendingPlan != "" || o.Plan.ID != "business" {
		t.Fatalf("resume: %+v", o)
	}
	h.must(http.StatusOK, "PUT", "/v1/billing/address", billingAdmin.Key, billingAddress)
	var log struct {
		Data []struct {
			ActorID string `json:"actor_id"`
			Action  string `json:"action"`
			Outcome string `json:"outcome"`
		} `json:"data"`
	}
	h.must(http.StatusOK, "GET", "/v1/audit-log?limit=200", owner.Key, nil).json(t, &log)
	seen := map[string]int{}
	for _, e := range log.Data {
		if e.ActorID == billingAdmin.UserID && e.Outcome == "granted" {
			seen[e.Action]++
		}
	}
	if seen["plan.upgrade"] != 1 || seen["plan.cancel"] != 2 || seen["billing.edit_address"] != 1 {
		t.Fatalf("audit of the billing contact's actions: %v", seen)
	}
}
