package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/webhookevents"
)

// Refusals of Register, for the API to turn into 409s.
var (
	ErrSessionClosed = errors.New("store: session is cancelled or over")
	ErrSessionFull   = errors.New("store: session is full")
)

// Delivery kinds the relay sends (Delivery.Pending rows), named like the e-mails.
const (
	DeliveryConfirmation         = "confirmation"           // approved: join link and .ics
	DeliveryReceived             = "received"               // pending approval
	DeliveryWaitlisted           = "waitlisted"             // put on the waitlist
	DeliveryWaitlistPromotion    = "waitlist_promotion"     // a seat freed up
	DeliveryDenied               = "denied"                 // the organizer declined it
	DeliveryCancelledByAttendee  = "cancelled_by_attendee"  // they cancelled it themselves
	DeliveryCancelledByOrganizer = "cancelled_by_organizer" // the organizer cancelled it
)

// statusDelivery is the e-mail that tells a registrant they moved to status, "" for none.
// A cancellation is the registrant's own unless byOrganizer.
func statusDelivery(status string, byOrganizer bool) string {
	switch status {
	case RegistrantApproved:
		return DeliveryConfirmation
	case RegistrantPending:
		return DeliveryReceived
	case RegistrantWaitlisted:
		return DeliveryWaitlisted
	case RegistrantDenied:
		return DeliveryDenied
	case RegistrantCancelled:
		if byOrganizer {
			return DeliveryCancelledByOrganizer
		}
		return DeliveryCancelledByAttendee
	}
	return ""
}

// Registration is what Register needs: the session with its event, the person
// and how they came.
type Registration struct {
	Event   *Event
	Session *Session
	Email   string
	Name    string
	Fields  map[string]string
	// ByOrganizer skips approval (an organizer registering someone approves them).
	ByOrganizer bool
	// JoinWaitlist accepts a waitlist place when the session is full.
	JoinWaitlist bool
	// ImportID names the CSV import registering them, if any.
	ImportID string
	// Source is where they came from; Consented that they accepted the consent text.
	Source    Source
	Consented bool
}

// Register records one registration in one transaction: the contact on the
// people page, the registrant, a seat (or a waitlist place) and the pending
// delivery the relay sends. A second registration with the same e-mail returns
// the first (created false).
func Register(ctx context.Context, db bun.IDB, r Registration) (reg *Registrant, created bool, err error) {
	email := strings.ToLower(strings.TrimSpace(r.Email))
	// No read first: the unique (session, email) key answers "already registered"
	// (ErrConflict below), one round trip less on the hot path.
	status := RegistrantApproved
	if r.Event.Settings.Approval && !r.ByOrganizer {
		status = RegistrantPending
	}
	if status == RegistrantApproved {
		reg = newRegistrant(r, email, status, "")
		if done, err := registerApproved(ctx, db, reg, r.Event, false); done || err != nil && !errors.Is(err, ErrConflict) {
			return reg, done, err
		}
		// Not taken (or a concurrent registration with the same e-mail): the transaction
		// tells why, or does what the statement does not (registration_fast.go).
	}
	reg, err = insertRegistration(ctx, db, r, email, status)
	if errors.Is(err, errNoSeat) {
		if !r.Event.Settings.Waitlist || !r.JoinWaitlist {
			return nil, false, ErrSessionFull
		}
		reg, err = insertRegistration(ctx, db, r, email, RegistrantWaitlisted)
	}
	if errors.Is(err, ErrConflict) {
		// Registered before (or a concurrent registration with the same e-mail won the race).
		existing, gerr := registrantByEmail(ctx, db, r.Session.ID, email)
		return existing, false, gerr
	}
	if err != nil {
		return nil, false, err
	}
	return reg, true, nil
}

// errNoSeat rolls back an approved registration that found the session full.
var errNoSeat = errors.New("store: no seat left")

// insertRegistration writes the contact, the registrant and its pending
// delivery; an approved one takes its seat last, so the session row stays
// locked only for the commit (registrations to one session serialize on it).
func insertRegistration(ctx context.Context, db bun.IDB, r Registration, email, status string) (*Registrant, error) {
	var reg *Registrant
	err := InTx(ctx, db, func(ctx context.Context, tx bun.IDB) error {
		if status != RegistrantApproved {
			sess, err := SessionByID(ctx, tx, r.Session.ID)
			if err != nil {
				return err
			}
			if sess.Closed() {
				return ErrSessionClosed
			}
		}
		personID, err := upsertPerson(ctx, tx, r.Session.WorkspaceID, email, r.Name)
		if err != nil {
			return err
		}
		reg = newRegistrant(r, email, status, personID)
		if err := Insert(ctx, tx, reg); err != nil {
			return err
		}
		if err := emitRegistrant(ctx, tx, webhookevents.RegistrantCreated, reg); err != nil {
			return err
		}
		if err := QueueDelivery(ctx, tx, reg.WorkspaceID, reg.SessionID, reg.ID, statusDelivery(status, false)); err != nil {
			return err
		}
		if status != RegistrantApproved {
			return nil
		}
		res, err := tx.NewUpdate().Model((*Session)(nil)).Set("seats_taken = seats_taken + 1").
			Where("id = ?", r.Session.ID).Where("seats_taken < capacity").
			Where("status NOT IN (?)", bun.In(closedStatuses)).Exec(ctx)
		if err != nil {
			return fmt.Errorf("take seat in %s: %w", r.Session.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
		sess, err := SessionByID(ctx, tx, r.Session.ID)
		if err != nil {
			return err
		}
		if sess.Closed() {
			return ErrSessionClosed
		}
		return errNoSeat
	})
	return reg, err
}

// newRegistrant is the registrant a registration makes, not yet written.
func newRegistrant(r Registration, email, status, personID string) *Registrant {
	t := Now()
	fields := r.Fields
	if fields == nil {
		fields = map[string]string{}
	}
	reg := &Registrant{
		ID: NewID("reg"), WorkspaceID: r.Session.WorkspaceID, EventID: r.Session.EventID, SessionID: r.Session.ID,
		Email: email, PersonID: personID, Name: r.Name, Fields: fields, Status: status,
		ImportID: r.ImportID, CreatedAt: t, UpdatedAt: t, Source: r.Source,
	}
	if r.Consented {
		reg.ConsentedAt = &t
	}
	return reg
}

func registrantByEmail(ctx context.Context, db bun.IDB, sessionID, email string) (*Registrant, error) {
	reg := new(Registrant)
	err := db.NewSelect().Model(reg).Where("session_id = ?", sessionID).Where("email = ?", email).Limit(1).Scan(ctx)
	return reg, notFound("get registrant "+email, err)
}

// takeSeat counts one more approved registrant if the session has room.
func takeSeat(ctx context.Context, tx bun.IDB, sessionID string) (bool, error) {
	res, err := tx.NewUpdate().Model((*Session)(nil)).Set("seats_taken = seats_taken + 1").
		Where("id = ?", sessionID).Where("seats_taken < capacity").Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("take seat in %s: %w", sessionID, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func upsertPerson(ctx context.Context, tx bun.IDB, ws, email, name string) (string, error) {
	t := Now()
	p := &Person{ID: NewID("per"), WorkspaceID: ws, Email: email, Name: name, CreatedAt: t, UpdatedAt: t}
	_, err := tx.NewInsert().Model(p).
		On("CONFLICT (workspace_id, email) DO UPDATE").
		Set("updated_at = EXCLUDED.updated_at").
		Returning("id").Exec(ctx, &p.ID)
	if err != nil {
		return "", fmt.Errorf("upsert person %s: %w", email, err)
	}
	return p.ID, nil
}

// SetRegistrantStatus moves a registrant to status, freeing or taking seats as
// needed: leaving "approved" frees a seat and promotes the first waitlisted
// person; entering it takes one (ErrSessionFull when none is left, unless the
// event has a waitlist, which is then where the registrant goes). The e-mail
// telling them is queued in the same transaction (a cancellation reads as their
// own: see ChangeRegistrantStatus for the organizer's). It returns the
// registrant as stored.
func SetRegistrantStatus(ctx context.Context, db bun.IDB, ws, id, status string, waitlist bool) (*Registrant, error) {
	return ChangeRegistrantStatus(ctx, db, StatusChange{Workspace: ws, Registrant: id, Status: status, Waitlist: waitlist})
}

// StatusChange is one registrant's move to Status.
type StatusChange struct {
	Workspace, Registrant, Status string
	// Waitlist: an approval that finds the session full puts them on the waitlist.
	Waitlist bool
	// ByOrganizer: a cancellation made by the organizer, not the registrant (the e-mail
	// says so).
	ByOrganizer bool
}

// ChangeRegistrantStatus is SetRegistrantStatus with who made the change.
func ChangeRegistrantStatus(ctx context.Context, db bun.IDB, c StatusChange) (*Registrant, error) {
	ws, id, status, waitlist := c.Workspace, c.Registrant, c.Status, c.Waitlist
	var reg *Registrant
	err := InTx(ctx, db, func(ctx context.Context, tx bun.IDB) error {
		var err error
		if reg, err = Get[Registrant](ctx, tx, ws, id); err != nil {
			return err
		}
		if reg.Status == status {
			return nil
		}
		was := reg.Status
		if status == RegistrantApproved {
			ok, err := takeSeat(ctx, tx, reg.SessionID)
			if err != nil {
				return err
			}
			switch {
			case ok:
			case waitlist && was != RegistrantWaitlisted:
				status = RegistrantWaitlisted
			default:
				return ErrSessionFull
			}
		}
		reg.Status, reg.UpdatedAt = status, Now()
		if err := Update(ctx, tx, reg, "status", "updated_at"); err != nil {
			return err
		}
		if err := emitRegistrant(ctx, tx, statusEvent(was, status), reg); err != nil {
			return err
		}
		// The e-mail commits with the change it announces; blocked people (from the live
		// room) are not written to.
		if kind := statusDelivery(status, c.ByOrganizer); kind != "" {
			if err := QueueDelivery(ctx, tx, reg.WorkspaceID, reg.SessionID, reg.ID, kind); err != nil {
				return err
			}
		}
		if was == RegistrantApproved {
			return freeSeat(ctx, tx, reg.SessionID)
		}
		return nil
	})
	return reg, err
}

// DeleteRegistrant removes a registrant (and its deliveries), freeing its seat.
func DeleteRegistrant(ctx context.Context, db bun.IDB, ws, id string) error {
	return InTx(ctx, db, func(ctx context.Context, tx bun.IDB) error {
		reg, err := Get[Registrant](ctx, tx, ws, id)
		if err != nil {
			return err
		}
		if _, err := tx.NewDelete().Model((*Delivery)(nil)).Where("recipient_id = ?", id).Exec(ctx); err != nil {
			return fmt.Errorf("delete deliveries of %s: %w", id, err)
		}
		if err := Delete[Registrant](ctx, tx, ws, id); err != nil {
			return err
		}
		if reg.Status == RegistrantApproved {
			return freeSeat(ctx, tx, reg.SessionID)
		}
		return nil
	})
}

// freeSeat gives a seat back and promotes the longest-waiting person, if any.
func freeSeat(ctx context.Context, tx bun.IDB, sessionID string) error {
	if _, err := tx.NewUpdate().Model((*Session)(nil)).Set("seats_taken = seats_taken - 1").
		Where("id = ?", sessionID).Where("seats_taken > 0").Exec(ctx); err != nil {
		return fmt.Errorf("free seat in %s: %w", sessionID, err)
	}
	_, err := PromoteWaitlist(ctx, tx, sessionID)
	return err
}

// PromoteWaitlist approves waitlisted people, longest-waiting first, while the
// session has free seats (a seat freed, or the capacity raised), queueing
// each one's promotion e-mail. It returns how many were promoted.
func PromoteWaitlist(ctx context.Context, tx bun.IDB, sessionID string) (int, error) {
	promoted := 0
	for {
		next := new(Registrant)
		err := tx.NewSelect().Model(next).Where("session_id = ?", sessionID).Where("status = ?", RegistrantWaitlisted).
			OrderExpr("id ASC").Limit(1).Scan(ctx)
		if err := notFound("first waitlisted", err); errors.Is(err, ErrNotFound) {
			return promoted, nil
		} else if err != nil {
			return promoted, err
		}
		ok, err := takeSeat(ctx, tx, sessionID)
		if err != nil || !ok {
			return promoted, err
		}
		next.Status, next.UpdatedAt = RegistrantApproved, Now()
		if err := Update(ctx, tx, next, "status", "updated_at"); err != nil {
			return promoted, err
		}
		if err := emitRegistrant(ctx, tx, webhookevents.RegistrantUpdated, next); err != nil {
			return promoted, err
		}
		if err := QueueDelivery(ctx, tx, next.WorkspaceID, next.SessionID, next.ID, DeliveryWaitlistPromotion); err != nil {
			return promoted, err
		}
		promoted++
	}
}

// HasExpectedRegistrants reports whether a session has people still expecting
// it (approved, pending or waitlisted): they must be told before it vanishes.
func HasExpectedRegistrants(ctx context.Context, db bun.IDB, sessionID string) (bool, error) {
	ok, err := db.NewSelect().Model((*Registrant)(nil)).Where("session_id = ?", sessionID).
		Where("status IN (?)", bun.In([]string{RegistrantApproved, RegistrantPending, RegistrantWaitlisted})).Exists(ctx)
	if err != nil {
		return false, fmt.Errorf("registrants of %s: %w", sessionID, err)
	}
	return ok, nil
}
