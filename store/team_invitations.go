package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// HashSecret is how tokens and API keys are kept: only this digest is stored.
// The secrets are long random strings, so a plain SHA-256 is enough.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// NewInvitation creates an invitation and returns it with its clear token,
// which only the e-mail carries.
func NewInvitation(ctx context.Context, db bun.IDB, ws, email, role, invitedBy string, ttl time.Duration) (*Invitation, string, error) {
	token := "inv_" + NewSecret(24)
	t := Now()
	inv := &Invitation{
		ID: NewID("inv"), WorkspaceID: ws, Email: email, Role: role, TokenHash: HashSecret(token),
		InvitedBy: invitedBy, ExpiresAt: t.Add(ttl), CreatedAt: t,
	}
	if err := Insert(ctx, db, inv); err != nil {
		return nil, "", err
	}
	return inv, token, nil
}

// GetInvitationByToken finds an invitation by its clear token, in any workspace.
func GetInvitationByToken(ctx context.Context, db bun.IDB, token string) (*Invitation, error) {
	inv := new(Invitation)
	err := db.NewSelect().Model(inv).Where("token_hash = ?", HashSecret(token)).Scan(ctx)
	return inv, notFound("get invitation", err)
}

// ClaimInvitation marks a pending invitation accepted; ErrNotFound when it was
// accepted or revoked meanwhile, so a token is used at most once.
func ClaimInvitation(ctx context.Context, db bun.IDB, inv *Invitation) error {
	t := Now()
	res, err := db.NewUpdate().Model(inv).Set("accepted_at = ?", t).
		Where("id = ?", inv.ID).Where("accepted_at IS NULL").Where("revoked_at IS NULL").Exec(ctx)
	if err := affected("claim invitation "+inv.ID, res, err); err != nil {
		return err
	}
	inv.AcceptedAt = &t
	return nil
}

// RevokeInvitation withdraws a pending invitation of workspace ws.
func RevokeInvitation(ctx context.Context, db bun.IDB, ws, id string) error {
	res, err := db.NewUpdate().Model((*Invitation)(nil)).Set("revoked_at = ?", Now()).
		Where("workspace_id = ?", ws).Where("id = ?", id).
		Where("accepted_at IS NULL").Where("revoked_at IS NULL").Exec(ctx)
	return affected("revoke invitation "+id, res, err)
}

// PendingInvitations narrows a List to invitations neither accepted nor revoked.
func PendingInvitations(q *bun.SelectQuery) *bun.SelectQuery {
	return q.Where("?TableAlias.accepted_at IS NULL").Where("?TableAlias.revoked_at IS NULL")
}

// RevokePendingInvitationsTo withdraws every pending invitation to email in
// workspace ws, so a re-invitation leaves exactly one usable token.
func RevokePendingInvitationsTo(ctx context.Context, db bun.IDB, ws, email string) error {
	_, err := db.NewUpdate().Model((*Invitation)(nil)).Set("revoked_at = ?", Now()).
		Where("workspace_id = ?", ws).Where("email = ?", email).
		Where("accepted_at IS NULL").Where("revoked_at IS NULL").Exec(ctx)
	if err != nil {
		return fmt.Errorf("revoke pending invitations: %w", err)
	}
	return nil
}

// CountPendingInvitations counts workspace ws's invitations neither accepted, revoked nor
// expired: each holds a place in the team until it is used or lapses.
func CountPendingInvitations(ctx context.Context, db bun.IDB, ws string) (int, error) {
	n, err := PendingInvitations(db.NewSelect().Model((*Invitation)(nil))).
		Where("workspace_id = ?", ws).Where("expires_at > ?", Now()).Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("count pending invitations of %s: %w", ws, err)
	}
	return int(n), nil
}
