package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// Unsubscribe records that an address asked a workspace to stop one kind of e-mail, or
// every kind a person may stop (UnsubscribeAll): reminders, invitations, follow-ups. The
// e-mails about their own registration (confirmations, cancellations) still go.
type Unsubscribe struct {
	bun.BaseModel `bun:"table:unsubscribes"`

	WorkspaceID string    `bun:",pk" json:"-"`
	Email       string    `bun:",pk" json:"email"`
	Kind        string    `bun:",pk" json:"kind"`
	CreatedAt   time.Time `bun:",notnull" json:"created_at"`
}

// UnsubscribeAll is the Kind of an unsubscribe from every kind that can be stopped.
const UnsubscribeAll = "*"

// AddUnsubscribe records that email stops kind (or UnsubscribeAll) from workspace ws;
// doing it again changes nothing, so a one-click POST may be repeated.
func AddUnsubscribe(ctx context.Context, db bun.IDB, ws, email, kind string) error {
	u := &Unsubscribe{WorkspaceID: ws, Email: strings.ToLower(strings.TrimSpace(email)), Kind: kind, CreatedAt: Now()}
	if _, err := db.NewInsert().Model(u).On("CONFLICT DO NOTHING").Exec(ctx); err != nil {
		return fmt.Errorf("unsubscribe %s from %s: %w", kind, ws, err)
	}
	return nil
}

// Unsubscribed reports whether email stopped kind from workspace ws, by name or as a whole.
func Unsubscribed(ctx context.Context, db bun.IDB, ws, email, kind string) (bool, error) {
	ok, err := db.NewSelect().Model((*Unsubscribe)(nil)).Where("workspace_id = ?", ws).
		Where("email = ?", strings.ToLower(strings.TrimSpace(email))).
		Where("kind IN (?)", bun.In(unsubscribeKinds(kind))).Exists(ctx)
	if err != nil {
		return false, fmt.Errorf("unsubscribed %s from %s: %w", kind, ws, err)
	}
	return ok, nil
}
