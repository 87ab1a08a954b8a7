package api

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/billing"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/workflows/contract"
)

type planChange struct {
	Plan  string `json:"plan" openapi:"required"`
	Seats int    `json:"seats"`
}

func (r *planChange) validate() error {
	p, ok := billing.PlanByID(r.Plan)
	if !ok {
		return badInput("plan", fmt.Sprintf("unknown plan %q; GET /v1/billing lists the plans", r.Plan))
	}
	if p.Pricing != billing.PricingSeats {
		if r.Seats != 0 {
			return badInput("seats", "seats apply only to a per-licence plan")
		}
		return nil
	}
	return inRange("seats", r.Seats, 1, maxSeats)
}

type seatsChange struct {
	Seats int `json:"seats" openapi:"required"`
}

func (r *seatsChange) validate() error {
	return inRange("seats", r.Seats, 1, maxSeats)
}

type addressChange struct {
	Line1      string `json:"line1"`
	Line2      string `json:"line2"`
	City       string `json:"city"`
	PostalCode string `json:"postal_code"`
	State      string `json:"state"`
	Country    string `json:"country"`
}

var countryCode = regexp.MustCompile(`^[A-Z]{2}$`)

func (r *addressChange) validate() error {
	a := r
	var err error
	for _, f := range []struct {
		name string
		v    *string
		need bool
	}{{"line1", &a.Line1, true}, {"line2", &a.Line2, false}, {"city", &a.City, true}, {"postal_code", &a.PostalCode, true}, {"state", &a.State, false}} {
		check := optional
		if f.need {
			check = required
		}
		if *f.v, err = check(f.name, *f.v, 200); err != nil {
			return err
		}
	}
	if !countryCode.MatchString(a.Country) {
		return badInput("country", "country must be an ISO 3166-1 alpha-2 code such as FR")
	}
	return nil
}

// billingOverview is the plan, its limits, the subscription and current usage.
type billingOverview struct {
	Plan         billing.Plan         `json:"plan"`
	Provider     string               `json:"provider"`
	Subscription store.BillingAccount `json:"subscription"`
	Usage        billingUsage         `json:"usage"`
	SuspendedAt  *time.Time           `json:"suspended_at,omitempty"`
	Plans        []billing.Plan       `json:"available_plans"`
}

type billingUsage struct {
	TeamMembers    int `json:"team_members"`
	HostLicences   int `json:"host_licences"`
	ActiveContacts int `json:"active_contacts"`
}

type secretReply struct {
	ClientSecret string `json:"client_secret"`
}

type urlReply struct {
	URL string `json:"url"`
}

func (s *billingAPI) billingRoutes() {
	s.add(route{Method: http.MethodGet, Path: "/v1/billing", Tag: "billing", Action: authz.PlanManage,
		Summary: "Current plan, limits, subscription and usage", Response: billingOverview{}, Handler: s.getBilling})
	s.add(route{ID: "changePlan", Method: http.MethodPut, Path: "/v1/billing/plan", Tag: "billing", Action: authz.PlanUpgrade,
		Summary: "Change plan: an upgrade applies now (prorated charge), a downgrade at the end of the paid period",
		Request: planChange{}, Response: billingOverview{}, Handler: s.changePlan})
	s.add(route{ID: "changeSeats", Method: http.MethodPut, Path: "/v1/billing/seats", Tag: "billing", Action: authz.PlanUpgrade,
		Summary: "Buy or release host licences on a per-licence plan", Request: seatsChange{}, Response: billingOverview{}, Handler: s.changeSeats})
	s.add(route{ID: "cancelPlan", Method: http.MethodPost, Path: "/v1/billing/cancel", Tag: "billing", Action: authz.PlanCancel,
		Summary: "Cancel at the end of the paid period", Response: billingOverview{}, Handler: s.cancelPlan(true)})
	s.add(route{ID: "resumePlan", Method: http.MethodPost, Path: "/v1/billing/resume", Tag: "billing", Action: authz.PlanCancel,
		Summary: "Keep a subscription that was set to end", Response: billingOverview{}, Handler: s.cancelPlan(false)})
	s.add(route{ID: "setBillingAddress", Method: http.MethodPut, Path: "/v1/billing/address", Tag: "billing", Action: authz.BillingEditAddress,
		Summary: "Set the billing address", Request: addressChange{}, Response: store.BillingAddress{}, Handler: s.setAddress})
	s.add(route{ID: "startPaymentMethodSetup", Method: http.MethodPost, Path: "/v1/billing/payment-method", Tag: "billing", Action: authz.BillingEditPayment,
		Summary: "Start collecting a card: a SetupIntent client secret for Stripe.js", Response: secretReply{}, Handler: s.paymentMethod})
	s.add(route{ID: "createBillingPortalLink", Method: http.MethodPost, Path: "/v1/billing/portal", Tag: "billing", Action: authz.PlanManage,
		Summary: "A link to the provider's customer portal", Response: urlReply{}, Handler: s.portal})
	s.invoiceRoutes()
	s.add(route{ID: "receiveStripeWebhook", Method: http.MethodPost, Path: "/v1/billing/stripe-webhook", Tag: "billing", Public: true,
		Summary: "Stripe webhook events (signature verified on the raw body)", Handler: s.stripeWebhook})
}

func (s *billingAPI) overview(ctx context.Context, ws *store.Workspace) (billingOverview, error) {
	acc, err := store.GetBillingAccount(ctx, s.db, ws.ID)
	if err != nil {
		return billingOverview{}, err
	}
	u, err := s.usage(ctx, ws.ID)
	if err != nil {
		return billingOverview{}, err
	}
	return billingOverview{Plan: billing.PlanOf(ws.Plan), Provider: s.provider.Name(), Subscription: *acc, Usage: u,
		SuspendedAt: ws.SuspendedAt, Plans: billing.Plans()}, nil
}

func (s *billingAPI) usage(ctx context.Context, ws string) (billingUsage, error) {
	var u billingUsage
	var err error
	if u.TeamMembers, err = store.Count[store.Membership](ctx, s.db, ws); err != nil {
		return u, err
	}
	if u.HostLicences, err = store.CountLicences(ctx, s.db, ws); err != nil {
		return u, err
	}
	u.ActiveContacts, err = store.Count[store.Person](ctx, s.db, ws)
	return u, err
}

func (s *billingAPI) getBilling(c *gin.Context) {
	o, err := s.overview(c.Request.Context(), caller(c).Workspace)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, o)
}

// fitsPlan refuses a plan the workspace already uses more of than it allows.
func fitsPlan(p billing.Plan, seats int, u billingUsage) error {
	switch {
	case p.Pricing == billing.PricingContacts && p.MaxHosts > 0 && u.TeamMembers > p.MaxHosts:
		return unprocessable("plan", fmt.Sprintf("limit max_hosts: the %s plan allows %d hosts and the team has %d members; remove members first", p.Name, p.MaxHosts, u.TeamMembers))
	case p.MaxActiveContacts > 0 && u.ActiveContacts > p.MaxActiveContacts:
		return unprocessable("plan", fmt.Sprintf("limit max_active_contacts: the %s plan allows %d contacts and the workspace has %d", p.Name, p.MaxActiveContacts, u.ActiveContacts))
	case p.Pricing == billing.PricingSeats && seats < u.HostLicences:
		return unprocessable("seats", fmt.Sprintf("limit host_licences: %d licences are assigned; buy at least that many or unassign some first", u.HostLicences))
	}
	return nil
}

func (s *billingAPI) changePlan(c *gin.Context) {
	var req planChange
	if err := decode(c, &req); err != nil {
		fail(c, err)
		return
	}
	ws := caller(c).Workspace
	auditObject(c, "workspace", ws.ID)
	u, err := s.usage(c.Request.Context(), ws.ID)
	if err != nil {
		fail(c, err)
		return
	}
	if err := fitsPlan(billing.PlanOf(req.Plan), req.Seats, u); err != nil {
		fail(c, err)
		return
	}
	s.subscriptionUpdate(c, contract.ChangePlanUpdate, contract.ChangePlanRequest{Plan: req.Plan, Seats: req.Seats})
}

func (s *billingAPI) changeSeats(c *gin.Context) {
	var req seatsChange
	if err := decode(c, &req); err != nil {
		fail(c, err)
		return
	}
	ws := caller(c).Workspace
	auditObject(c, "workspace", ws.ID)
	if billing.PlanOf(ws.Plan).Pricing != billing.PricingSeats {
		fail(c, unprocessable("seats", "host licences are bought only on a per-licence plan; change plan first"))
		return
	}
	n, err := store.CountLicences(c.Request.Context(), s.db, ws.ID)
	if err != nil {
		fail(c, err)
		return
	}
	if req.Seats < n {
		fail(c, unprocessable("seats", fmt.Sprintf("limit host_licences: %d licences are assigned; unassign some before releasing them", n)))
		return
	}
	s.subscriptionUpdate(c, contract.SetSeatsUpdate, contract.SetSeatsRequest{Seats: req.Seats})
}

func (s *billingAPI) cancelPlan(cancel bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		auditObject(c, "workspace", caller(c).Workspace.ID)
		if cancel {
			s.subscriptionUpdate(c, contract.CancelPlanUpdate)
		} else {
			s.subscriptionUpdate(c, contract.ResumePlanUpdate)
		}
	}
}

func (s *billingAPI) setAddress(c *gin.Context) {
	var req addressChange
	if err := decode(c, &req); err != nil {
		fail(c, err)
		return
	}
	ctx := c.Request.Context()
	ws := caller(c).Workspace
	auditObject(c, "workspace", ws.ID)
	a := store.BillingAddress(req)
	if _, err := s.updateSubscription(ctx, ws, contract.SetAddressUpdate, contract.SetAddressRequest{Address: billing.Address(a)}); err != nil {
		fail(c, err)
		return
	}
	acc, err := store.GetBillingAccount(ctx, s.db, ws.ID)
	if err == nil {
		acc.Address = a
		err = store.SaveBillingAccount(ctx, s.db, acc)
	}
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, a)
}

// customerOf returns the workspace's provider customer, creating it through
// the Subscription workflow the first time.
func (s *billingAPI) customerOf(ctx context.Context, ws *store.Workspace) (string, error) {
	if ws.StripeCustomerID != "" {
		return ws.StripeCustomerID, nil
	}
	st, err := s.updateSubscription(ctx, ws, contract.EnsureCustomerUpdate)
	return st.CustomerID, err
}

func (s *billingAPI) paymentMethod(c *gin.Context) {
	ctx := c.Request.Context()
	ws := caller(c).Workspace
	auditObject(c, "workspace", ws.ID)
	cus, err := s.customerOf(ctx, ws)
	if err != nil {
		fail(c, err)
		return
	}
	// The secret is only a handle for the browser's card form; no money moves,
	// so the API asks the provider directly.
	secret, err := s.provider.SetupIntent(ctx, cus, "setup:"+ws.ID+":"+store.NewSecret(8))
	if err != nil {
		fail(c, billingProblem(err))
		return
	}
	c.JSON(http.StatusOK, secretReply{ClientSecret: secret})
}

func (s *billingAPI) portal(c *gin.Context) {
	ctx := c.Request.Context()
	ws := caller(c).Workspace
	auditObject(c, "workspace", ws.ID)
	cus, err := s.customerOf(ctx, ws)
	if err != nil {
		fail(c, err)
		return
	}
	u, err := s.provider.PortalURL(ctx, cus, s.baseURL+"/v1/billing")
	if err != nil {
		fail(c, billingProblem(err))
		return
	}
	c.JSON(http.StatusOK, urlReply{URL: u})
}

// subscriptionUpdate runs an update on the workspace's Subscription workflow
// and answers with the overview.
func (s *billingAPI) subscriptionUpdate(c *gin.Context, name string, args ...any) {
	ctx := c.Request.Context()
	ws := caller(c).Workspace
	if _, err := s.updateSubscription(ctx, ws, name, args...); err != nil {
		fail(c, err)
		return
	}
	fresh, err := store.GetWorkspace(ctx, s.db, ws.ID)
	if err != nil {
		fail(c, err)
		return
	}
	o, err := s.overview(ctx, fresh)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, o)
}
