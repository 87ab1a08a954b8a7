package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/webhookevents"
)

// Workspace roles (authz speaks the same words).
const (
	RoleOwner  = "owner"
	RoleAdmin  = "admin"
	RoleMember = "member"
)

// GetOrCreateUser returns the user with this e-mail, creating it with name when new.
func GetOrCreateUser(ctx context.Context, db bun.IDB, email, name string) (*User, error) {
	email = strings.ToLower(email)
	u := new(User)
	err := db.NewSelect().Model(u).Where("email = ?", email).Scan(ctx)
	if err == nil {
		return u, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("get user %s: %w", email, err)
	}
	return CreateUser(ctx, db, email, name)
}

// CreateUser creates the user with this e-mail; ErrConflict when one exists.
func CreateUser(ctx context.Context, db bun.IDB, email, name string) (*User, error) {
	u := &User{ID: NewID("usr"), Email: strings.ToLower(email), Name: name, CreatedAt: Now()}
	if err := Insert(ctx, db, u); err != nil {
		return nil, err
	}
	return u, nil
}

// AddMember creates the membership of user in workspace ws, shown there as name.
func AddMember(ctx context.Context, db bun.IDB, ws string, u *User, role, name string) (*Membership, error) {
	t := Now()
	m := &Membership{
		ID: NewID("mem"), WorkspaceID: ws, UserID: u.ID, Role: role, Name: name,
		BillingContact: role == RoleOwner, CreatedAt: t, UpdatedAt: t, User: u,
	}
	err := InTx(ctx, db, func(ctx context.Context, tx bun.IDB) error {
		if err := Insert(ctx, tx, m); err != nil {
			return fmt.Errorf("add member %s: %w", u.Email, err)
		}
		return emitMember(ctx, tx, webhookevents.MemberJoined, m)
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// GetMember loads a membership of workspace ws with its user.
func GetMember(ctx context.Context, db bun.IDB, ws, id string) (*Membership, error) {
	m := new(Membership)
	err := db.NewSelect().Model(m).Relation("User").
		Where("?TableAlias.workspace_id = ?", ws).Where("?TableAlias.id = ?", id).Scan(ctx)
	return m, notFound("get member "+id, err)
}

// GetMemberByUser loads the membership of a user in workspace ws.
func GetMemberByUser(ctx context.Context, db bun.IDB, ws, userID string) (*Membership, error) {
	m := new(Membership)
	err := db.NewSelect().Model(m).Relation("User").
		Where("?TableAlias.workspace_id = ?", ws).Where("?TableAlias.user_id = ?", userID).Scan(ctx)
	return m, notFound("get member of user "+userID, err)
}

// WithUser narrows a List of memberships to load each one's user.
func WithUser(q *bun.SelectQuery) *bun.SelectQuery { return q.Relation("User") }

// TouchMember sets UpdatedAt and writes the given columns.
func TouchMember(ctx context.Context, db bun.IDB, m *Membership, columns ...string) error {
	m.UpdatedAt = Now()
	return Update(ctx, db, m, append(columns, "updated_at")...)
}

// HasMemberWithEmail reports whether someone with this e-mail is a member of workspace ws.
func HasMemberWithEmail(ctx context.Context, db bun.IDB, ws, email string) (bool, error) {
	ok, err := db.NewSelect().Model((*Membership)(nil)).
		Join("JOIN users AS u ON u.id = ?TableAlias.user_id").
		Where("?TableAlias.workspace_id = ?", ws).Where("u.email = ?", email).Exists(ctx)
	if err != nil {
		return false, fmt.Errorf("is %s a member of %s: %w", email, ws, err)
	}
	return ok, nil
}

// RemoveMember deletes a membership and the API keys it held in that workspace, in one
// transaction (or the caller's).
func RemoveMember(ctx context.Context, db bun.IDB, m *Membership) error {
	return InTx(ctx, db, func(ctx context.Context, db bun.IDB) error { return removeMember(ctx, db, m) })
}

func removeMember(ctx context.Context, db bun.IDB, m *Membership) error {
	if _, err := db.NewDelete().Model((*APIKey)(nil)).
		Where("workspace_id = ?", m.WorkspaceID).Where("user_id = ?", m.UserID).Exec(ctx); err != nil {
		return fmt.Errorf("revoke keys of member %s: %w", m.ID, err)
	}
	// Their places on the staff of sessions still to come go with them; past sessions keep
	// the record of who hosted (a staff row carries the name and e-mail it was assigned with).
	upcoming := db.NewSelect().Model((*Session)(nil)).Column("id").
		Where("workspace_id = ?", m.WorkspaceID).Where("status IN (?)", bun.In([]string{SessionScheduled, SessionOpen, SessionLive}))
	if _, err := db.NewDelete().Model((*SessionStaff)(nil)).Where("workspace_id = ?", m.WorkspaceID).
		Where("member_id = ?", m.ID).Where("session_id IN (?)", upcoming).Exec(ctx); err != nil {
		return fmt.Errorf("remove member %s from session staff: %w", m.ID, err)
	}
	if err := Delete[Membership](ctx, db, m.WorkspaceID, m.ID); err != nil {
		return err
	}
	return emitMember(ctx, db, webhookevents.MemberRemoved, m)
}
