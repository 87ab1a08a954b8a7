package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// The local billing provider's own tables (billing.Local, for `onair dev` without Stripe): its
// subscriptions and the invoices it issues.

// LocalSubscription is the local provider's subscription (offline `onair dev`).
type LocalSubscription struct {
	bun.BaseModel `bun:"table:local_subscriptions"`

	ID                string    `bun:",pk"`
	WorkspaceID       string    `bun:",notnull"`
	CustomerID        string    `bun:",notnull"`
	PriceLookupKey    string    `bun:",notnull"`
	Quantity          int64     `bun:",notnull"`
	Status            string    `bun:",notnull"`
	CancelAtPeriodEnd bool      `bun:",notnull,default:false"`
	CurrentPeriodEnd  time.Time `bun:",notnull"`
	CreatedAt         time.Time `bun:",notnull"`
}

// LocalInvoice is an invoice the local provider issued.
type LocalInvoice struct {
	bun.BaseModel `bun:"table:local_invoices"`

	ID          string    `bun:",pk"`
	WorkspaceID string    `bun:",notnull"`
	CustomerID  string    `bun:",notnull"`
	Number      string    `bun:",notnull"`
	Status      string    `bun:",notnull"`
	AmountCents int64     `bun:",notnull"`
	Currency    string    `bun:",notnull"`
	PeriodStart time.Time `bun:",notnull"`
	PeriodEnd   time.Time `bun:",notnull"`
	CreatedAt   time.Time `bun:",notnull"`
}

// LocalSubscriptionByID loads one of the local provider's subscriptions.
func LocalSubscriptionByID(ctx context.Context, db bun.IDB, id string) (*LocalSubscription, error) {
	sub := new(LocalSubscription)
	err := db.NewSelect().Model(sub).Where("id = ?", id).Scan(ctx)
	return sub, notFound("local subscription "+id, err)
}

// CreateLocalSubscription stores a new subscription with its first invoice, in one
// transaction (or the caller's); the invoice is numbered on the way (issueLocalInvoice).
func CreateLocalSubscription(ctx context.Context, db bun.IDB, sub *LocalSubscription, first *LocalInvoice) error {
	return InTx(ctx, db, func(ctx context.Context, tx bun.IDB) error {
		if err := Insert(ctx, tx, sub); err != nil {
			return err
		}
		return issueLocalInvoice(ctx, tx, first)
	})
}

// SaveLocalSubscription writes every column of sub and, when inv is not nil (a prorated
// increase), issues that invoice with it, in one transaction (or the caller's).
func SaveLocalSubscription(ctx context.Context, db bun.IDB, sub *LocalSubscription, inv *LocalInvoice) error {
	return InTx(ctx, db, func(ctx context.Context, tx bun.IDB) error {
		if err := Update(ctx, tx, sub); err != nil {
			return err
		}
		if inv == nil {
			return nil
		}
		return issueLocalInvoice(ctx, tx, inv)
	})
}

// issueLocalInvoice numbers inv after its customer's earlier invoices (LOCAL-0001, LOCAL-0002,
// …) and stores it.
func issueLocalInvoice(ctx context.Context, db bun.IDB, inv *LocalInvoice) error {
	n, err := db.NewSelect().Model((*LocalInvoice)(nil)).Where("customer_id = ?", inv.CustomerID).Count(ctx)
	if err != nil {
		return fmt.Errorf("number invoice: %w", err)
	}
	inv.Number = fmt.Sprintf("LOCAL-%04d", n+1)
	return Insert(ctx, db, inv)
}

// LocalInvoices lists up to limit of the customer's local invoices, newest first.
func LocalInvoices(ctx context.Context, db bun.IDB, customerID string, limit int) ([]LocalInvoice, error) {
	var rows []LocalInvoice
	err := db.NewSelect().Model(&rows).Where("customer_id = ?", customerID).OrderExpr("id DESC").Limit(int64(limit)).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("list local invoices: %w", err)
	}
	return rows, nil
}

// LocalInvoiceByID loads the customer's local invoice id; another customer's is ErrNotFound.
func LocalInvoiceByID(ctx context.Context, db bun.IDB, customerID, id string) (*LocalInvoice, error) {
	inv := new(LocalInvoice)
	err := db.NewSelect().Model(inv).Where("customer_id = ?", customerID).Where("id = ?", id).Scan(ctx)
	return inv, notFound("local invoice "+id, err)
}
