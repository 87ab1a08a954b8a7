package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// BillingAccount is onair's copy of a workspace's subscription, written by the
// Subscription workflow so the API answers "plan and usage" without asking
// Stripe, and checks licences against the seats bought.
type BillingAccount struct {
	bun.BaseModel `bun:"table:billing_accounts"`

	ID                string         `bun:",pk" json:"-"`
	WorkspaceID       string         `bun:",notnull,unique" json:"-"`
	SubscriptionID    string         `bun:",notnull,default:''" json:"-"`
	Status            string         `bun:",notnull,default:''" json:"status"`
	Seats             int            `bun:",notnull,default:0" json:"seats"`
	CancelAtPeriodEnd bool           `bun:",notnull,default:false" json:"cancel_at_period_end"`
	CurrentPeriodEnd  *time.Time     `bun:",nullzero" json:"current_period_end,omitempty"`
	PendingPlan       string         `bun:",notnull,default:''" json:"pending_plan,omitempty"`
	DunningSince      *time.Time     `bun:",nullzero" json:"dunning_since,omitempty"`
	Address           BillingAddress `bun:",notnull" json:"address"`
	UpdatedAt         time.Time      `bun:",notnull" json:"updated_at"`
}

// BillingAddress is printed on invoices.
type BillingAddress struct {
	Line1      string `json:"line1"`
	Line2      string `json:"line2,omitempty"`
	City       string `json:"city"`
	PostalCode string `json:"postal_code"`
	State      string `json:"state,omitempty"`
	Country    string `json:"country"`
}

// BillingEvent is a Stripe webhook event already taken into account; its id is
// the primary key, so a redelivered event conflicts and is a no-op.
type BillingEvent struct {
	bun.BaseModel `bun:"table:billing_events"`

	ID          string    `bun:",pk"`
	WorkspaceID string    `bun:",notnull"`
	Type        string    `bun:",notnull"`
	ReceivedAt  time.Time `bun:",notnull"`
}

// GetBillingAccount loads the workspace's billing copy; a workspace that never
// subscribed gets an empty one (not stored until saved).
func GetBillingAccount(ctx context.Context, db bun.IDB, ws string) (*BillingAccount, error) {
	acc := new(BillingAccount)
	err := db.NewSelect().Model(acc).Where("workspace_id = ?", ws).Limit(1).Scan(ctx)
	if err := notFound("get billing account of "+ws, err); errors.Is(err, ErrNotFound) {
		return &BillingAccount{WorkspaceID: ws}, nil
	} else if err != nil {
		return nil, err
	}
	return acc, nil
}

// SaveBillingAccount inserts or updates the workspace's billing copy.
func SaveBillingAccount(ctx context.Context, db bun.IDB, acc *BillingAccount) error {
	acc.UpdatedAt = Now()
	if acc.ID == "" {
		acc.ID = NewID("bil")
		if err := Insert(ctx, db, acc); !errors.Is(err, ErrConflict) {
			return err
		}
		prev, err := GetBillingAccount(ctx, db, acc.WorkspaceID)
		if err != nil {
			return err
		}
		acc.ID = prev.ID
	}
	return Update(ctx, db, acc)
}

// RecordBillingEvent stores an event id; ErrConflict means it was seen before.
func RecordBillingEvent(ctx context.Context, db bun.IDB, ev *BillingEvent) error {
	ev.ReceivedAt = Now()
	return Insert(ctx, db, ev)
}

// WorkspaceByCustomer finds the workspace billed to a Stripe customer.
func WorkspaceByCustomer(ctx context.Context, db bun.IDB, customerID string) (*Workspace, error) {
	ws := new(Workspace)
	err := db.NewSelect().Model(ws).Where("stripe_customer_id = ?", customerID).Where("stripe_customer_id <> ''").Limit(1).Scan(ctx)
	return ws, notFound("workspace of customer "+customerID, err)
}

// CountLicences counts the members holding a host licence.
func CountLicences(ctx context.Context, db bun.IDB, ws string) (int, error) {
	n, err := db.NewSelect().Model((*Membership)(nil)).Where("workspace_id = ?", ws).Where("host_licence").Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("count licences of %s: %w", ws, err)
	}
	return int(n), nil
}

// BillingContactEmails lists the addresses of the workspace's billing contacts
// (the owner always, admins when flagged).
func BillingContactEmails(ctx context.Context, db bun.IDB, ws string) ([]string, error) {
	var emails []string
	err := db.NewSelect().TableExpr("memberships AS m").Join("JOIN users AS u ON u.id = m.user_id").
		ColumnExpr("u.email").Where("m.workspace_id = ?", ws).
		Where("m.role = ? OR (m.role = ? AND m.billing_contact)", RoleOwner, RoleAdmin).
		OrderExpr("m.id").Scan(ctx, &emails)
	if err != nil {
		return nil, fmt.Errorf("billing contacts of %s: %w", ws, err)
	}
	return emails, nil
}
