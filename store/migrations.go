package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"
)

// migrations lists every schema change in order. Tables are created from the bun
// models so the same migration runs on Postgres and SQLite. Append new entries;
// never edit one that has shipped.
func migrations() *migrate.Migrations {
	ms := migrate.NewMigrations()
	ms.Add(migrate.Migration{Name: "20261122000001", Comment: "foundation", Up: goMigration(createFoundation), Down: goMigration(dropFoundation)})
	return ms
}

func goMigration(fn migrate.MigrationFunc) func(context.Context, *migrate.Migrator, *migrate.Migration) error {
	return func(ctx context.Context, m *migrate.Migrator, _ *migrate.Migration) error { return fn(ctx, m.DB()) }
}

func foundationModels() []any {
	return []any{
		(*Workspace)(nil), (*User)(nil), (*Membership)(nil), (*Invitation)(nil), (*APIKey)(nil),
		(*CustomAttribute)(nil), (*EmailTemplate)(nil), (*WebhookEndpoint)(nil), (*Person)(nil),
		(*AuditEntry)(nil), (*IdempotencyRecord)(nil),
	}
}

type index struct{ table, name, columns string }

var foundationIndexes = []index{
	{"memberships", "memberships_user_idx", "user_id"},
	{"invitations", "invitations_workspace_idx", "workspace_id, id"},
	{"api_keys", "api_keys_workspace_user_idx", "workspace_id, user_id, id"},
	{"custom_attributes", "custom_attributes_workspace_idx", "workspace_id, id"},
	{"email_templates", "email_templates_workspace_idx", "workspace_id, id"},
	{"webhook_endpoints", "webhook_endpoints_workspace_idx", "workspace_id, id"},
	{"audit_log", "audit_log_workspace_idx", "workspace_id, id"},
}

func createFoundation(ctx context.Context, db *bun.DB) error {
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for _, m := range foundationModels() {
			if _, err := tx.NewCreateTable().Model(m).IfNotExists().Exec(ctx); err != nil {
				return fmt.Errorf("create table for %T: %w", m, err)
			}
		}
		for _, ix := range foundationIndexes {
			q := fmt.Sprintf("CREATE INDEX IF NOT EXISTS %s ON %s (%s)", ix.name, ix.table, ix.columns)
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("create index %s: %w", ix.name, err)
			}
		}
		return nil
	})
}

func dropFoundation(ctx context.Context, db *bun.DB) error {
	models := foundationModels()
	for i := len(models) - 1; i >= 0; i-- {
		if _, err := db.NewDropTable().Model(models[i]).IfExists().Exec(ctx); err != nil {
			return fmt.Errorf("drop table for %T: %w", models[i], err)
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
