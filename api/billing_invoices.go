package api

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/billing"
)

type invoiceList struct {
	Data []billing.Invoice `json:"data"`
}

func (s *billingAPI) invoiceRoutes() {
	s.add(route{ID: "listInvoices", Method: http.MethodGet, Path: "/v1/billing/invoices", Tag: "billing", Action: authz.InvoiceView,
		Summary: "The workspace's invoices, newest first (up to 100)", Response: invoiceList{}, Handler: s.listInvoices})
	s.add(route{ID: "getInvoice", Method: http.MethodGet, Path: "/v1/billing/invoices/:id", Tag: "billing", Action: authz.InvoiceView, ExternalID: true,
		Summary: "One invoice", Response: billing.Invoice{}, Handler: s.getInvoice})
	s.add(route{ID: "downloadInvoice", Method: http.MethodGet, Path: "/v1/billing/invoices/:id/download", Tag: "billing", Action: authz.InvoiceDownload, ExternalID: true,
		Summary: "Download an invoice: a redirect to Stripe's PDF, or a text rendering offline", Raw: "text/plain", Handler: s.downloadInvoice})
}

func (s *billingAPI) listInvoices(c *gin.Context) {
	ws := caller(c).Workspace
	out := invoiceList{Data: []billing.Invoice{}}
	if ws.StripeCustomerID != "" {
		list, err := s.provider.ListInvoices(c.Request.Context(), ws.StripeCustomerID)
		if err != nil {
			fail(c, billingProblem(err))
			return
		}
		out.Data = append(out.Data, list...)
	}
	c.JSON(http.StatusOK, out)
}

// providerID is the shape of a Stripe or local object id.
var providerID = regexp.MustCompile(`^[A-Za-z0-9_]{1,255}$`)

// invoice loads the caller's invoice named by :id; anyone else's is a 404.
func (s *billingAPI) invoice(c *gin.Context) (billing.Invoice, error) {
	ws := caller(c).Workspace
	id := c.Param("id")
	if !providerID.MatchString(id) || ws.StripeCustomerID == "" {
		return billing.Invoice{}, notFound("invoice")
	}
	in, err := s.provider.GetInvoice(c.Request.Context(), ws.StripeCustomerID, id)
	if errors.Is(err, billing.ErrInvoiceNotFound) {
		return in, notFound("invoice")
	}
	if err != nil {
		return in, billingProblem(err)
	}
	return in, nil
}

func (s *billingAPI) getInvoice(c *gin.Context) {
	in, err := s.invoice(c)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, in)
}

func (s *billingAPI) downloadInvoice(c *gin.Context) {
	in, err := s.invoice(c)
	if err != nil {
		fail(c, err)
		return
	}
	if in.PDFURL != "" {
		c.Redirect(http.StatusFound, in.PDFURL)
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Invoice %s\nWorkspace: %s\nStatus: %s\nPeriod: %s to %s\nAmount: %d.%02d %s\n",
		in.Number, caller(c).Workspace.Name, in.Status, in.PeriodStart.Format("2006-01-02"), in.PeriodEnd.Format("2006-01-02"),
		in.AmountCents/100, in.AmountCents%100, strings.ToUpper(in.Currency))
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="invoice-%s.txt"`, in.Number))
	c.Data(http.StatusOK, "text/plain; charset=utf-8", []byte(b.String()))
}
