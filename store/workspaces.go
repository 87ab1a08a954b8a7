package store

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/uptrace/bun"
)

// NewWorkspace fills a workspace for sign-up: id, unique slug, defaults.
func NewWorkspace(name, plan string) *Workspace {
	t := Now()
	return &Workspace{
		ID: NewID("ws"), Name: name, Slug: slugify(name) + "-" + NewSecret(3),
		Language: "en", Timezone: "UTC", CompanyPageEnabled: true, Settings: DefaultSettings(),
		Plan: plan, CreatedAt: t, UpdatedAt: t,
	}
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

func slugify(s string) string {
	s = strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(s), "-"), "-")
	if len(s) > 40 {
		s = strings.Trim(s[:40], "-")
	}
	if s == "" {
		s = "workspace"
	}
	return s
}

// GetWorkspace loads a workspace by id.
func GetWorkspace(ctx context.Context, db bun.IDB, id string) (*Workspace, error) {
	ws := new(Workspace)
	err := db.NewSelect().Model(ws).Where("id = ?", id).Scan(ctx)
	return ws, notFound("get workspace "+id, err)
}

// WorkspaceBySlug is the workspace a public address names (its company page, its logo);
// a workspace being deleted is not found.
func WorkspaceBySlug(ctx context.Context, db bun.IDB, slug string) (*Workspace, error) {
	ws := new(Workspace)
	err := db.NewSelect().Model(ws).Where("slug = ?", slug).Where("deleting_at IS NULL").Scan(ctx)
	return ws, notFound("workspace "+slug, err)
}

// TouchWorkspace sets UpdatedAt and writes the given columns.
func TouchWorkspace(ctx context.Context, db bun.IDB, ws *Workspace, columns ...string) error {
	ws.UpdatedAt = Now()
	return Update(ctx, db, ws, append(columns, "updated_at")...)
}

// workspaceTables holds every table with a workspace_id column, children first.
var workspaceTables = []string{
	"audit_log", "people", "webhook_deliveries", "webhook_events", "webhook_endpoints", "email_templates", "custom_attributes",
	"api_keys", "invitations", "memberships",
	"attendance", "chat_messages", "questions", "poll_votes", "polls", "room_events", "recordings", "deck_pages", "decks",
	"deliveries", "invitation_batches", "registrant_imports", "registrants", "session_staff", "sessions", "events",
	"billing_events", "local_invoices", "local_subscriptions", "billing_accounts",
}

// DeleteWorkspace erases the workspace and everything in it, and the users left
// with no workspace at all.
func DeleteWorkspace(ctx context.Context, db bun.IDB, id string) error {
	for _, table := range workspaceTables {
		if _, err := db.NewDelete().TableExpr(table).Where("workspace_id = ?", id).Exec(ctx); err != nil {
			return fmt.Errorf("erase %s of workspace %s: %w", table, id, err)
		}
	}
	// Scopes are "<workspace>/<user>" (IdempotencyScope): "/" sorts just before "0".
	if _, err := db.NewDelete().TableExpr("idempotency_keys").
		Where("scope = ? OR (scope > ? AND scope < ?)", id, id+"/", id+"0").Exec(ctx); err != nil {
		return fmt.Errorf("erase idempotency keys of workspace %s: %w", id, err)
	}
	res, err := db.NewDelete().Model((*Workspace)(nil)).Where("id = ?", id).Exec(ctx)
	if err := affected("delete workspace "+id, res, err); err != nil {
		return err
	}
	_, err = db.NewDelete().Model((*User)(nil)).
		Where("NOT EXISTS (SELECT 1 FROM memberships AS m WHERE m.user_id = ?TableAlias.id)").Exec(ctx)
	if err != nil {
		return fmt.Errorf("erase orphan users: %w", err)
	}
	return nil
}

// MarkWorkspaceDeleting records that deletion was asked (idempotent): from then
// on the workspace's keys stop working while the data is erased.
func MarkWorkspaceDeleting(ctx context.Context, db bun.IDB, ws *Workspace) error {
	if ws.DeletingAt != nil {
		return nil
	}
	t := Now()
	ws.DeletingAt = &t
	return Update(ctx, db, ws, "deleting_at")
}

// UnmarkWorkspaceDeleting undoes MarkWorkspaceDeleting when deletion could not be started.
func UnmarkWorkspaceDeleting(ctx context.Context, db bun.IDB, ws *Workspace) error {
	ws.DeletingAt = nil
	return Update(ctx, db, ws, "deleting_at")
}
