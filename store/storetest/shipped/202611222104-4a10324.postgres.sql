-- The postgres schema that onair 4a10324 created from its bun models (statements as it ran them),
-- for the upgrade tests; the last line names the migrations it recorded as applied.
CREATE TABLE IF NOT EXISTS "workspaces" ("id" VARCHAR NOT NULL, "name" VARCHAR NOT NULL, "slug" VARCHAR NOT NULL, "website" VARCHAR NOT NULL DEFAULT '', "description" VARCHAR NOT NULL DEFAULT '', "language" VARCHAR NOT NULL DEFAULT 'en', "timezone" VARCHAR NOT NULL DEFAULT 'UTC', "logo_type" VARCHAR NOT NULL DEFAULT '', "logo" BYTEA, "company_page_enabled" BOOLEAN NOT NULL DEFAULT true, "settings" JSONB NOT NULL, "plan" VARCHAR NOT NULL, "stripe_customer_id" VARCHAR NOT NULL DEFAULT '', "suspended_at" TIMESTAMPTZ, "deleting_at" TIMESTAMPTZ, "created_at" TIMESTAMPTZ NOT NULL, "updated_at" TIMESTAMPTZ NOT NULL, PRIMARY KEY ("id"), UNIQUE ("slug"));
--bun:split
CREATE TABLE IF NOT EXISTS "users" ("id" VARCHAR NOT NULL, "email" VARCHAR NOT NULL, "name" VARCHAR NOT NULL, "created_at" TIMESTAMPTZ NOT NULL, PRIMARY KEY ("id"), UNIQUE ("email"));
--bun:split
CREATE TABLE IF NOT EXISTS "memberships" ("id" VARCHAR NOT NULL, "workspace_id" VARCHAR NOT NULL, "user_id" VARCHAR NOT NULL, "role" VARCHAR NOT NULL, "name" VARCHAR NOT NULL DEFAULT '', "billing_contact" BOOLEAN NOT NULL DEFAULT false, "host_licence" BOOLEAN NOT NULL DEFAULT false, "created_at" TIMESTAMPTZ NOT NULL, "updated_at" TIMESTAMPTZ NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "membership_user" UNIQUE ("workspace_id", "user_id"));
--bun:split
CREATE TABLE IF NOT EXISTS "invitations" ("id" VARCHAR NOT NULL, "workspace_id" VARCHAR NOT NULL, "email" VARCHAR NOT NULL, "role" VARCHAR NOT NULL, "token_hash" VARCHAR NOT NULL, "invited_by" VARCHAR NOT NULL, "expires_at" TIMESTAMPTZ NOT NULL, "accepted_at" TIMESTAMPTZ, "revoked_at" TIMESTAMPTZ, "created_at" TIMESTAMPTZ NOT NULL, PRIMARY KEY ("id"), UNIQUE ("token_hash"));
--bun:split
CREATE TABLE IF NOT EXISTS "api_keys" ("id" VARCHAR NOT NULL, "workspace_id" VARCHAR NOT NULL, "user_id" VARCHAR NOT NULL, "name" VARCHAR NOT NULL, "prefix" VARCHAR NOT NULL, "hash" VARCHAR NOT NULL, "created_at" TIMESTAMPTZ NOT NULL, "last_used_at" TIMESTAMPTZ, "revoked_at" TIMESTAMPTZ, PRIMARY KEY ("id"), UNIQUE ("hash"));
--bun:split
CREATE TABLE IF NOT EXISTS "custom_attributes" ("id" VARCHAR NOT NULL, "workspace_id" VARCHAR NOT NULL, "owner_id" VARCHAR NOT NULL, "key" VARCHAR NOT NULL, "label" VARCHAR NOT NULL, "type" VARCHAR NOT NULL, "options" JSONB NOT NULL, "required" BOOLEAN NOT NULL DEFAULT false, "created_at" TIMESTAMPTZ NOT NULL, "updated_at" TIMESTAMPTZ NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "attribute_key" UNIQUE ("workspace_id", "key"));
--bun:split
CREATE TABLE IF NOT EXISTS "email_templates" ("id" VARCHAR NOT NULL, "workspace_id" VARCHAR NOT NULL, "owner_id" VARCHAR NOT NULL, "name" VARCHAR NOT NULL, "kind" VARCHAR NOT NULL, "subject" VARCHAR NOT NULL, "body" VARCHAR NOT NULL, "created_at" TIMESTAMPTZ NOT NULL, "updated_at" TIMESTAMPTZ NOT NULL, PRIMARY KEY ("id"));
--bun:split
CREATE TABLE IF NOT EXISTS "webhook_endpoints" ("id" VARCHAR NOT NULL, "workspace_id" VARCHAR NOT NULL, "url" VARCHAR NOT NULL, "events" JSONB NOT NULL, "description" VARCHAR NOT NULL DEFAULT '', "secret" VARCHAR NOT NULL, "created_by" VARCHAR NOT NULL, "created_at" TIMESTAMPTZ NOT NULL, PRIMARY KEY ("id"));
--bun:split
CREATE TABLE IF NOT EXISTS "people" ("id" VARCHAR NOT NULL, "workspace_id" VARCHAR NOT NULL, "email" VARCHAR NOT NULL, "name" VARCHAR NOT NULL DEFAULT '', "created_at" TIMESTAMPTZ NOT NULL, "updated_at" TIMESTAMPTZ NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "person_email" UNIQUE ("workspace_id", "email"));
--bun:split
CREATE TABLE IF NOT EXISTS "audit_log" ("id" VARCHAR NOT NULL, "workspace_id" VARCHAR NOT NULL, "actor_id" VARCHAR NOT NULL, "action" VARCHAR NOT NULL, "object" VARCHAR NOT NULL, "outcome" VARCHAR NOT NULL, "reason" VARCHAR NOT NULL DEFAULT '', "created_at" TIMESTAMPTZ NOT NULL, PRIMARY KEY ("id"));
--bun:split
CREATE TABLE IF NOT EXISTS "idempotency_keys" ("scope" VARCHAR NOT NULL, "key" VARCHAR NOT NULL, "request_hash" VARCHAR NOT NULL, "status_code" BIGINT NOT NULL, "body" BYTEA NOT NULL, "created_at" TIMESTAMPTZ NOT NULL, PRIMARY KEY ("scope", "key"));
--bun:split
CREATE INDEX IF NOT EXISTS memberships_user_idx ON memberships (user_id);
--bun:split
CREATE INDEX IF NOT EXISTS invitations_workspace_idx ON invitations (workspace_id, id);
--bun:split
CREATE INDEX IF NOT EXISTS api_keys_workspace_user_idx ON api_keys (workspace_id, user_id, id);
--bun:split
CREATE INDEX IF NOT EXISTS custom_attributes_workspace_idx ON custom_attributes (workspace_id, id);
--bun:split
CREATE INDEX IF NOT EXISTS email_templates_workspace_idx ON email_templates (workspace_id, id);
--bun:split
CREATE INDEX IF NOT EXISTS webhook_endpoints_workspace_idx ON webhook_endpoints (workspace_id, id);
--bun:split
CREATE INDEX IF NOT EXISTS audit_log_workspace_idx ON audit_log (workspace_id, id);
--bun:split
-- applied: 20261122000001_foundation
