package activities

import (
	"context"
	"errors"
	"strings"

	"go.temporal.io/sdk/activity"

	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/tracing"
)

// SendPendingInput bounds one pass of the relay.
type SendPendingInput struct {
	Limit int
	// Links are the trace contexts of requests this pass also serves beyond the one it runs
	// under (coalesced kicks, see workflows.DeliveryRelay).
	Links []map[string]string `json:",omitempty"`
}

// SendPendingResult says what one pass did; More means the page was full.
type SendPendingResult struct {
	Sent int
	More bool
}

// SendPendingDeliveries sends one page of the relay's queue (confirmations,
// "received" notes, waitlist promotions written by the API in the same
// transaction as the registrant) and marks each row sent.
func (a *Activities) SendPendingDeliveries(ctx context.Context, in SendPendingInput) (SendPendingResult, error) {
	if in.Limit <= 0 {
		in.Limit = 200
	}
	tracing.AddLinks(ctx, in.Links)
	rows, err := store.PendingDeliveries(ctx, a.DB, "", in.Limit)
	if err != nil {
		return SendPendingResult{}, err
	}
	registrants, err := store.DeliveryRegistrants(ctx, a.DB, rows)
	if err != nil {
		return SendPendingResult{}, err
	}
	marks := startMarking(ctx, a.DB)
	defer marks.stop()
	mailers := map[string]*sessionMailer{}
	for _, d := range rows {
		if _, ok := mailers[d.SessionID]; ok {
			continue
		}
		m, err := a.sessionMailer(ctx, d.SessionID, marks)
		if errors.Is(err, store.ErrNotFound) {
			m = nil // session deleted: its rows are dropped below
		} else if err != nil {
			return SendPendingResult{}, err
		}
		mailers[d.SessionID] = m
	}
	err = parallel(8, rows, func(d store.Delivery) error {
		if err := a.relayOne(ctx, marks, mailers[d.SessionID], registrants, d); err != nil {
			return err
		}
		activity.RecordHeartbeat(ctx, d.ID)
		return nil
	})
	if err != nil {
		return SendPendingResult{}, err
	}
	return SendPendingResult{Sent: len(rows), More: len(rows) == in.Limit}, nil
}

// relayOne sends one queued delivery; one whose session or recipient is gone is marked
// without a send, so it leaves the queue. registrants are the page's, read up front.
func (a *Activities) relayOne(ctx context.Context, marks *sentMarks, m *sessionMailer, registrants map[string]*store.Registrant, d store.Delivery) error {
	if m != nil {
		r, ok, err := a.relayRecipient(ctx, registrants, d)
		if err != nil {
			return err
		}
		if ok {
			return m.deliver(ctx, sessionMail{Kind: d.Kind}, r, d.ID)
		}
	}
	return marks.mark(store.DeliveryOutcome{ID: d.ID, Failure: "not sent: the session or the recipient is gone, or the recipient no longer expects it"})
}

// relayRecipient loads who a queued delivery is for: a speaker (staff id) or a
// registrant still expecting it (false when they left in the meantime). The e-mail
// announcing a status goes only while the registrant is still in it (a waitlist
// place promoted meanwhile is not announced); the others never go to someone
// cancelled or denied.
func (a *Activities) relayRecipient(ctx context.Context, registrants map[string]*store.Registrant, d store.Delivery) (recipient, bool, error) {
	if strings.HasPrefix(d.RecipientID, "stf_") {
		st, err := store.Get[store.SessionStaff](ctx, a.DB, d.WorkspaceID, d.RecipientID)
		if errors.Is(err, store.ErrNotFound) {
			return recipient{}, false, nil
		}
		return speakerRecipient(st), err == nil, err
	}
	reg, ok := registrants[d.RecipientID]
	if !ok {
		return recipient{}, false, nil
	}
	if want, ok := announces[d.Kind]; ok {
		return registrantRecipient(reg), reg.Status == want, nil
	}
	if reg.Status == store.RegistrantCancelled || reg.Status == store.RegistrantDenied {
		return recipient{}, false, nil
	}
	return registrantRecipient(reg), true, nil
}

// announces maps the deliveries that tell a registrant about their new status to it.
var announces = map[string]string{
	store.DeliveryWaitlisted:           store.RegistrantWaitlisted,
	store.DeliveryDenied:               store.RegistrantDenied,
	store.DeliveryCancelledByAttendee:  store.RegistrantCancelled,
	store.DeliveryCancelledByOrganizer: store.RegistrantCancelled,
}
