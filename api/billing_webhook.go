package api

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/uptrace/bun"

	"github.com/onairhq/onair/billing"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/webhookevents"
	"github.com/onairhq/onair/workflows/contract"
)

// maxWebhookBody bounds a Stripe event (they are a few kB).
const maxWebhookBody = 1 << 18

type webhookReply struct {
	Received  bool `json:"received"`
	Duplicate bool `json:"duplicate,omitempty"`
	Ignored   bool `json:"ignored,omitempty"`
}

// stripeWebhook verifies an event on its raw body, then, in one transaction,
// records its id (a redelivery conflicts and is acknowledged as a no-op) and
// signals the workspace's Subscription workflow; a failed signal rolls the
// record back and answers 503 so Stripe delivers again.
func (s *billingAPI) stripeWebhook(c *gin.Context) {
	if s.webhookSecret == "" {
		fail(c, notFound("stripe webhook endpoint (no STRIPE_WEBHOOK_SECRET configured)"))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxWebhookBody))
	if err != nil {
		fail(c, badInput("", "the body could not be read or is too large"))
		return
	}
	ev, err := billing.VerifyWebhook(body, c.GetHeader("Stripe-Signature"), s.webhookSecret)
	if err != nil {
		s.log.WarnContext(c.Request.Context(), "stripe webhook refused", "err", err)
		fail(c, problem(http.StatusBadRequest, "invalid-signature", "Invalid webhook signature",
			"the Stripe-Signature header does not match this body, or its timestamp is more than 5 minutes from now"))
		return
	}
	ctx := c.Request.Context()
	ws, err := store.WorkspaceByCustomer(ctx, s.db, ev.CustomerID)
	if errors.Is(err, store.ErrNotFound) {
		s.log.InfoContext(ctx, "stripe event for no workspace ignored", "event", ev.ID, "type", ev.Type)
		c.JSON(http.StatusOK, webhookReply{Received: true, Ignored: true})
		return
	}
	if err != nil {
		fail(c, err)
		return
	}
	acc, err := store.GetBillingAccount(ctx, s.db, ws.ID)
	if err != nil {
		fail(c, err)
		return
	}
	err = store.InTx(ctx, s.db, func(ctx context.Context, tx bun.IDB) error {
		if err := store.RecordBillingEvent(ctx, tx, &store.BillingEvent{ID: ev.ID, WorkspaceID: ws.ID, Type: ev.Type}); err != nil {
			return err
		}
		if err := emitInvoiceEvent(ctx, tx, ws.ID, ev); err != nil {
			return err
		}
		return s.signalSubscription(ctx, ws, acc, ev)
	})
	switch {
	case errors.Is(err, store.ErrConflict):
		s.log.InfoContext(ctx, "stripe event already handled", "event", ev.ID, "workspace", ws.ID)
		c.JSON(http.StatusOK, webhookReply{Received: true, Duplicate: true})
	case err != nil:
		s.log.ErrorContext(ctx, "stripe event not delivered", "event", ev.ID, "workspace", ws.ID, "err", err)
		fail(c, problem(http.StatusServiceUnavailable, "unavailable", "Try again later", "the event could not be handed to the workflow engine"))
	default:
		s.log.InfoContext(ctx, "stripe event received", "event", ev.ID, "type", ev.Type, "workspace", ws.ID)
		c.JSON(http.StatusOK, webhookReply{Received: true})
	}
}

func (s *billingAPI) signalSubscription(ctx context.Context, ws *store.Workspace, acc *store.BillingAccount, ev billing.Event) error {
	return s.lifecycle.signalWithStart(ctx, s.subscriptionStart(ws), contract.StripeEventSignal, ev,
		contract.SubscriptionWorkflow, contract.SubscriptionInput{
			WorkspaceID: ws.ID, Plan: ws.Plan, Seats: acc.Seats, SubscriptionID: acc.SubscriptionID, CustomerID: ws.StripeCustomerID})
}

// invoiceEvents are the provider's invoice events an outbound webhook reports.
var invoiceEvents = map[string]string{"invoice.paid": webhookevents.InvoicePaid, "invoice.payment_failed": webhookevents.InvoicePaymentFailed}

// emitInvoiceEvent queues invoice.paid or invoice.payment_failed with the provider's event.
func emitInvoiceEvent(ctx context.Context, tx bun.IDB, ws string, ev billing.Event) error {
	typ, ok := invoiceEvents[ev.Type]
	if !ok {
		return nil
	}
	return store.EmitWebhookEvent(ctx, tx, ws, typ, webhookevents.Invoice{ID: ev.InvoiceID, SubscriptionID: ev.SubscriptionID,
		Status: strings.TrimPrefix(ev.Type, "invoice.")})
}
