package api_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onairhq/onair/mail"
	"github.com/onairhq/onair/workflows"
)

// mailKinds counts the e-mails of each kind written by the harness's sender.
func (h *harness) mailKinds() map[string]int {
	h.t.Helper()
	files, _ := filepath.Glob(filepath.Join(h.mailDir, "*.eml"))
	out := map[string]int{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			h.t.Fatal(err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			if kind, ok := strings.CutPrefix(strings.TrimSpace(line), "X-Onair-Kind: "); ok {
				out[kind]++
			}
		}
	}
	return out
}

// TestDunningSuspendsAndPaymentRestoresThroughTheStack: a failed payment
// webhook starts dunning; after the grace period new events are refused with
// 402; an invoice.paid webhook lifts the suspension at once. The grace period
// is shortened to seconds for the test.
func TestDunningSuspendsAndPaymentRestoresThroughTheStack(t *testing.T) {
	grace, reminders := workflows.DunningGrace, workflows.DunningReminders
	workflows.DunningGrace, workflows.DunningReminders = 2*time.Second, []time.Duration{time.Second}
	t.Cleanup(func() { workflows.DunningGrace, workflows.DunningReminders = grace, reminders })

	h := sqliteHarness(t)
	owner, cus, sub := h.subscribed("Dunned")
	suspended := func() bool {
		return h.must(http.StatusOK, "GET", "/v1/workspace", owner.Key, nil).field(t, "suspended_at") != ""
	}

	h.setLocalStatus(sub, "past_due")
	failed := stripeEvent("evt_dun_failed", "invoice.payment_failed", cus, sub, time.Now())
	h.must(http.StatusOK, "POST", "/v1/billing/stripe-webhook", "", failed, "Stripe-Signature", signed(failed, testWebhookSecret, time.Now()))
	eventually(t, "the workspace is suspended after the grace period", suspended)
	wantProblem(t, h.call("POST", "/v1/events", owner.Key, map[string]any{"title": "During suspension"}), http.StatusPaymentRequired, "")

	h.setLocalStatus(sub, "active")
	paid := stripeEvent("evt_dun_paid", "invoice.paid", cus, sub, time.Now())
	h.must(http.StatusOK, "POST", "/v1/billing/stripe-webhook", "", paid, "Stripe-Signature", signed(paid, testWebhookSecret, time.Now()))
	eventually(t, "the suspension is lifted", func() bool { return !suspended() })
	h.must(http.StatusCreated, "POST", "/v1/events", owner.Key, map[string]any{"title": "After payment"})

	eventually(t, "the billing contact got every dunning e-mail", func() bool {
		k := h.mailKinds()
		return k[mail.KindPaymentFailed] == 1 && k[mail.KindPaymentReminder] == 1 && k[mail.KindWorkspaceSuspended] == 1 && k[mail.KindPaymentRestored] == 1
	})
}
