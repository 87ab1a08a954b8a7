package api_test

// populateBilling puts a tenant on a paid plan, so it has a subscription and
// an invoice (the local provider bills the first period).
func (h *harness) populateBilling(tn *tenant) {
	h.t.Helper()
	tn.InvoiceID = h.paidInvoice(tn.Owner)
}

// billingObjectFor names the tenant's billing objects for documented {id} paths.
func (tn tenant) billingObjectFor(path string) (string, bool) {
	switch path {
	case "/v1/billing/invoices/{id}", "/v1/billing/invoices/{id}/download":
		return tn.InvoiceID, true
	}
	return "", false
}
