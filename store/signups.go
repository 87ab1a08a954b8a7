package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// PendingSignup is a sign-up with the address of an existing account, held
// until the address's owner follows the e-mailed link: only then is the new
// workspace created and attached to them. Only the token's hash is kept.
type PendingSignup struct {
	bun.BaseModel `bun:"table:pending_signups"`

	ID            string     `bun:",pk" json:"-"`
	Email         string     `bun:",notnull" json:"-"`
	WorkspaceName string     `bun:",notnull" json:"-"`
	Name          string     `bun:",notnull" json:"-"`
	TokenHash     string     `bun:",notnull,unique" json:"-"`
	ExpiresAt     time.Time  `bun:",notnull" json:"-"`
	UsedAt        *time.Time `bun:",nullzero" json:"-"`
	CreatedAt     time.Time  `bun:",notnull" json:"-"`
}

// NewPendingSignup holds a sign-up for verification and returns it with its
// clear token, which only the e-mail carries.
func NewPendingSignup(ctx context.Context, db bun.IDB, email, workspaceName, name string, ttl time.Duration) (*PendingSignup, string, error) {
	token := "sgn_" + NewSecret(24)
	t := Now()
	p := &PendingSignup{
		ID: NewID("sgn"), Email: email, WorkspaceName: workspaceName, Name: name,
		TokenHash: HashSecret(token), ExpiresAt: t.Add(ttl), CreatedAt: t,
	}
	if err := Insert(ctx, db, p); err != nil {
		return nil, "", err
	}
	return p, token, nil
}

// GetPendingSignupByToken finds a pending sign-up by its clear token.
func GetPendingSignupByToken(ctx context.Context, db bun.IDB, token string) (*PendingSignup, error) {
	p := new(PendingSignup)
	err := db.NewSelect().Model(p).Where("token_hash = ?", HashSecret(token)).Scan(ctx)
	return p, notFound("get pending sign-up", err)
}

// ClaimPendingSignup marks a pending sign-up used; ErrNotFound when it was used
// meanwhile, so a token creates at most one workspace.
func ClaimPendingSignup(ctx context.Context, db bun.IDB, p *PendingSignup) error {
	t := Now()
	res, err := db.NewUpdate().Model(p).Set("used_at = ?", t).
		Where("id = ?", p.ID).Where("used_at IS NULL").Exec(ctx)
	if err := affected("claim pending sign-up "+p.ID, res, err); err != nil {
		return err
	}
	p.UsedAt = &t
	return nil
}

// DeleteExpiredSignups removes pending sign-ups (used or not) that expired
// before cutoff, and with them the addresses and names they held.
func DeleteExpiredSignups(ctx context.Context, db bun.IDB, cutoff time.Time) (int64, error) {
	res, err := db.NewDelete().Model((*PendingSignup)(nil)).Where("expires_at < ?", cutoff).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("delete expired sign-ups: %w", err)
	}
	return res.RowsAffected()
}
