package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"
)

// migrations lists every schema change in order, one line each. Tables are
// created from the bun models so the same migration runs on Postgres and
// SQLite. Append new entries (a later timestamp, its own models file); never
// edit one that has shipped.
func migrations() *migrate.Migrations {
	ms := migrate.NewMigrations()
	for _, m := range []tableMigration{
		{"20261122000001", "foundation", foundationModels(), foundationIndexes},
		{"20261122000300", "events", eventModels(), eventIndexes},
		{"20261122000400", "billing", billingModels(), billingIndexes},
		{"20261201000100", "room data", RoomTables(), roomIndexes},
		{"20261202000300", "secrets at rest", nil, secretIndexes},
	} {
		ms.Add(migrate.Migration{Name: m.name, Comment: m.comment, Up: m.up, Down: m.down})
	}
	return ms
}

func foundationModels() []any {
	return []any{
		(*Workspace)(nil), (*User)(nil), (*Membership)(nil), (*Invitation)(nil), (*APIKey)(nil),
		(*CustomAttribute)(nil), (*EmailTemplate)(nil), (*WebhookEndpoint)(nil), (*Person)(nil),
		(*AuditEntry)(nil), (*IdempotencyRecord)(nil),
	}
}

var foundationIndexes = []index{
	{"memberships", "memberships_user_idx", "user_id"},
	{"invitations", "invitations_workspace_idx", "workspace_id, id"},
	{"api_keys", "api_keys_workspace_user_idx", "workspace_id, user_id, id"},
	{"custom_attributes", "custom_attributes_workspace_idx", "workspace_id, id"},
	{"email_templates", "email_templates_workspace_idx", "workspace_id, id"},
	{"webhook_endpoints", "webhook_endpoints_workspace_idx", "workspace_id, id"},
	{"audit_log", "audit_log_workspace_idx", "workspace_id, id"},
}

// secretIndexes serve the lookup of links e-mailed by earlier builds (by hash) and the
// sweep of expired idempotency records.
var secretIndexes = []index{
	{"registrants", "registrants_legacy_link_idx", "legacy_link_hash"},
	{"session_staff", "session_staff_legacy_link_idx", "legacy_link_hash"},
	{"idempotency_keys", "idempotency_keys_created_idx", "created_at"},
}

// index is a secondary index created with its migration.
type index struct{ table, name, columns string }

// tableMigration creates a set of tables (from their models) and indexes.
type tableMigration struct {
	name, comment string
	models        []any
	indexes       []index
}

func (m tableMigration) up(ctx context.Context, mg *migrate.Migrator, _ *migrate.Migration) error {
	return mg.DB().RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for _, model := range m.models {
			if _, err := tx.NewCreateTable().Model(model).IfNotExists().Exec(ctx); err != nil {
				return fmt.Errorf("create table for %T: %w", model, err)
			}
		}
		for _, ix := range m.indexes {
			q := fmt.Sprintf("CREATE INDEX IF NOT EXISTS %s ON %s (%s)", ix.name, ix.table, ix.columns)
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("create index %s: %w", ix.name, err)
			}
		}
		return nil
	})
}

func (m tableMigration) down(ctx context.Context, mg *migrate.Migrator, _ *migrate.Migration) error {
	for i := len(m.models) - 1; i >= 0; i-- {
		if _, err := mg.DB().NewDropTable().Model(m.models[i]).IfExists().Exec(ctx); err != nil {
			return fmt.Errorf("drop table for %T: %w", m.models[i], err)
		}
	}
	return nil
}

// Migrate applies every pending migration and returns the names applied.
func Migrate(ctx context.Context, db *bun.DB) ([]string, error) {
	m := migrate.NewMigrator(db, migrations(), migrate.WithMarkAppliedOnSuccess(true))
	if err := m.Init(ctx); err != nil {
		return nil, fmt.Errorf("init migrations: %w", err)
	}
	if err := m.Lock(ctx); err != nil {
		return nil, fmt.Errorf("lock migrations: %w", err)
	}
	defer func() { _ = m.Unlock(ctx) }()
	group, err := m.Migrate(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	var names []string
	for _, mg := range group.Migrations {
		names = append(names, mg.String())
	}
	return names, nil
}
