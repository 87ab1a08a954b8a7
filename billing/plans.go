// Package billing owns onair's plans and the providers that charge for them:
// Stripe in production, a local provider (plans and invoices in the store) for
// `onair dev`. Plans are configuration: their limits are enforced where they
// bite (event creation, session duration, room joins, host licences).
package billing

import (
	"slices"
	"time"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/store"
)

// Pricing models (spec §1): per monthly active contact, or per host licence (seat).
const (
	PricingContacts = "contacts"
	PricingSeats    = "seats"
)

// Plan is one offer. A zero limit means unlimited.
type Plan struct {
	ID                 string        `json:"id"`
	Name               string        `json:"name"`
	Pricing            string        `json:"pricing"`
	MaxLiveAttendees   int           `json:"max_live_attendees"`
	MaxSessionDuration time.Duration `json:"max_session_duration"`
	// MaxHosts bounds the team members with host rights (contacts plans); on a
	// seats plan the bought licences are the bound.
	MaxHosts          int `json:"max_hosts"`
	MaxActiveContacts int `json:"max_active_contacts"`
	// PriceLookupKey names the Stripe price ("" for free plans); on a seats
	// plan it is the price of one licence.
	PriceLookupKey    string `json:"price_lookup_key"`
	MonthlyPriceCents int64  `json:"monthly_price_cents"`
}

// FreePlanID is the plan of a new workspace.
const FreePlanID = "free"

// plans follow the market's tiers (Livestorm, GoTo Webinar): a free plan with
// short sessions, paid contact-based tiers up to 3,000 attendees and 12 h, and
// a per-host-licence plan.
var plans = []Plan{
	{ID: FreePlanID, Name: "Free", Pricing: PricingContacts, MaxLiveAttendees: 30, MaxSessionDuration: 20 * time.Minute,
		MaxHosts: 1, MaxActiveContacts: 100},
	{ID: "pro", Name: "Pro", Pricing: PricingContacts, MaxLiveAttendees: 100, MaxSessionDuration: 4 * time.Hour,
		MaxHosts: 3, MaxActiveContacts: 1000, PriceLookupKey: "onair_pro_monthly", MonthlyPriceCents: 9900},
	{ID: "business", Name: "Business", Pricing: PricingContacts, MaxLiveAttendees: 500, MaxSessionDuration: 8 * time.Hour,
		MaxHosts: 10, MaxActiveContacts: 10000, PriceLookupKey: "onair_business_monthly", MonthlyPriceCents: 39900},
	{ID: "enterprise", Name: "Enterprise", Pricing: PricingContacts, MaxLiveAttendees: 3000, MaxSessionDuration: 12 * time.Hour,
		PriceLookupKey: "onair_enterprise_monthly", MonthlyPriceCents: 149900},
	{ID: "team", Name: "Team (per host licence)", Pricing: PricingSeats, MaxLiveAttendees: 1000, MaxSessionDuration: 12 * time.Hour,
		PriceLookupKey: "onair_team_licence_monthly", MonthlyPriceCents: 7900},
}

// Plans lists every plan, cheapest first.
func Plans() []Plan { return slices.Clone(plans) }

// PlanByID finds a plan.
func PlanByID(id string) (Plan, bool) {
	i := slices.IndexFunc(plans, func(p Plan) bool { return p.ID == id })
	if i < 0 {
		return Plan{}, false
	}
	return plans[i], true
}

// PlanOf is the plan of a workspace; an unknown id (a plan retired from this
// list) falls back to the free plan's limits rather than to none.
func PlanOf(id string) Plan {
	if p, ok := PlanByID(id); ok {
		return p
	}
	p, _ := PlanByID(FreePlanID)
	return p
}

// MemberSubject is what authz needs to know of team member m of a workspace on plan: their
// role and flags, and the plan's pricing model (which decides host rights, spec §1).
func MemberSubject(plan string, m *store.Membership) authz.Subject {
	return authz.Subject{
		Role:           authz.Role(m.Role),
		BillingContact: m.BillingContact,
		HostLicence:    m.HostLicence,
		Pricing:        authz.Pricing(PlanOf(plan).Pricing),
	}
}
