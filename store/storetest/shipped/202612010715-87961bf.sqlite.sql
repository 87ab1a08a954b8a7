-- The sqlite schema that onair 87961bf created from its bun models (statements as it ran them),
-- for the upgrade tests; the last line names the migrations it recorded as applied.
CREATE TABLE IF NOT EXISTS "workspaces" ("id" VARCHAR NOT NULL, "name" VARCHAR NOT NULL, "slug" VARCHAR NOT NULL, "website" VARCHAR NOT NULL DEFAULT '', "description" VARCHAR NOT NULL DEFAULT '', "language" VARCHAR NOT NULL DEFAULT 'en', "timezone" VARCHAR NOT NULL DEFAULT 'UTC', "logo_type" VARCHAR NOT NULL DEFAULT '', "logo" BLOB, "company_page_enabled" BOOLEAN NOT NULL DEFAULT true, "settings" VARCHAR NOT NULL, "plan" VARCHAR NOT NULL, "stripe_customer_id" VARCHAR NOT NULL DEFAULT '', "suspended_at" TIMESTAMP, "deleting_at" TIMESTAMP, "created_at" TIMESTAMP NOT NULL, "updated_at" TIMESTAMP NOT NULL, PRIMARY KEY ("id"), UNIQUE ("slug"));
--bun:split
CREATE TABLE IF NOT EXISTS "users" ("id" VARCHAR NOT NULL, "email" VARCHAR NOT NULL, "name" VARCHAR NOT NULL, "created_at" TIMESTAMP NOT NULL, PRIMARY KEY ("id"), UNIQUE ("email"));
--bun:split
CREATE TABLE IF NOT EXISTS "memberships" ("id" VARCHAR NOT NULL, "workspace_id" VARCHAR NOT NULL, "user_id" VARCHAR NOT NULL, "role" VARCHAR NOT NULL, "name" VARCHAR NOT NULL DEFAULT '', "billing_contact" BOOLEAN NOT NULL DEFAULT false, "host_licence" BOOLEAN NOT NULL DEFAULT false, "created_at" TIMESTAMP NOT NULL, "updated_at" TIMESTAMP NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "membership_user" UNIQUE ("workspace_id", "user_id"));
--bun:split
CREATE TABLE IF NOT EXISTS "invitations" ("id" VARCHAR NOT NULL, "workspace_id" VARCHAR NOT NULL, "email" VARCHAR NOT NULL, "role" VARCHAR NOT NULL, "token_hash" VARCHAR NOT NULL, "invited_by" VARCHAR NOT NULL, "expires_at" TIMESTAMP NOT NULL, "accepted_at" TIMESTAMP, "revoked_at" TIMESTAMP, "created_at" TIMESTAMP NOT NULL, PRIMARY KEY ("id"), UNIQUE ("token_hash"));
--bun:split
CREATE TABLE IF NOT EXISTS "api_keys" ("id" VARCHAR NOT NULL, "workspace_id" VARCHAR NOT NULL, "user_id" VARCHAR NOT NULL, "name" VARCHAR NOT NULL, "prefix" VARCHAR NOT NULL, "hash" VARCHAR NOT NULL, "created_at" TIMESTAMP NOT NULL, "last_used_at" TIMESTAMP, "revoked_at" TIMESTAMP, PRIMARY KEY ("id"), UNIQUE ("hash"));
--bun:split
CREATE TABLE IF NOT EXISTS "custom_attributes" ("id" VARCHAR NOT NULL, "workspace_id" VARCHAR NOT NULL, "owner_id" VARCHAR NOT NULL, "key" VARCHAR NOT NULL, "label" VARCHAR NOT NULL, "type" VARCHAR NOT NULL, "options" VARCHAR NOT NULL, "required" BOOLEAN NOT NULL DEFAULT false, "created_at" TIMESTAMP NOT NULL, "updated_at" TIMESTAMP NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "attribute_key" UNIQUE ("workspace_id", "key"));
--bun:split
CREATE TABLE IF NOT EXISTS "email_templates" ("id" VARCHAR NOT NULL, "workspace_id" VARCHAR NOT NULL, "owner_id" VARCHAR NOT NULL, "name" VARCHAR NOT NULL, "kind" VARCHAR NOT NULL, "subject" VARCHAR NOT NULL, "body" VARCHAR NOT NULL, "created_at" TIMESTAMP NOT NULL, "updated_at" TIMESTAMP NOT NULL, PRIMARY KEY ("id"));
--bun:split
CREATE TABLE IF NOT EXISTS "webhook_endpoints" ("id" VARCHAR NOT NULL, "workspace_id" VARCHAR NOT NULL, "url" VARCHAR NOT NULL, "events" VARCHAR NOT NULL, "description" VARCHAR NOT NULL DEFAULT '', "secret" VARCHAR NOT NULL, "created_by" VARCHAR NOT NULL, "created_at" TIMESTAMP NOT NULL, PRIMARY KEY ("id"));
--bun:split
CREATE TABLE IF NOT EXISTS "people" ("id" VARCHAR NOT NULL, "workspace_id" VARCHAR NOT NULL, "email" VARCHAR NOT NULL, "name" VARCHAR NOT NULL DEFAULT '', "created_at" TIMESTAMP NOT NULL, "updated_at" TIMESTAMP NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "person_email" UNIQUE ("workspace_id", "email"));
--bun:split
CREATE TABLE IF NOT EXISTS "audit_log" ("id" VARCHAR NOT NULL, "workspace_id" VARCHAR NOT NULL, "actor_id" VARCHAR NOT NULL, "action" VARCHAR NOT NULL, "object" VARCHAR NOT NULL, "outcome" VARCHAR NOT NULL, "reason" VARCHAR NOT NULL DEFAULT '', "created_at" TIMESTAMP NOT NULL, PRIMARY KEY ("id"));
--bun:split
CREATE TABLE IF NOT EXISTS "idempotency_keys" ("scope" VARCHAR NOT NULL, "key" VARCHAR NOT NULL, "request_hash" VARCHAR NOT NULL, "status_code" INTEGER NOT NULL, "body" BLOB NOT NULL, "created_at" TIMESTAMP NOT NULL, PRIMARY KEY ("scope", "key"));
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
CREATE TABLE IF NOT EXISTS "events" ("id" VARCHAR NOT NULL, "workspace_id" VARCHAR NOT NULL, "title" VARCHAR NOT NULL, "description" VARCHAR NOT NULL DEFAULT '', "slug" VARCHAR NOT NULL, "settings" VARCHAR NOT NULL, "published_at" TIMESTAMP, "created_by" VARCHAR NOT NULL, "created_at" TIMESTAMP NOT NULL, "updated_at" TIMESTAMP NOT NULL, PRIMARY KEY ("id"), UNIQUE ("slug"));
--bun:split
CREATE TABLE IF NOT EXISTS "sessions" ("id" VARCHAR NOT NULL, "workspace_id" VARCHAR NOT NULL, "event_id" VARCHAR NOT NULL, "starts_at" TIMESTAMP NOT NULL, "duration_minutes" INTEGER NOT NULL, "timezone" VARCHAR NOT NULL, "status" VARCHAR NOT NULL, "capacity" INTEGER NOT NULL, "seats_taken" INTEGER NOT NULL DEFAULT 0, "sequence" INTEGER NOT NULL DEFAULT 0, "started_at" TIMESTAMP, "ended_at" TIMESTAMP, "created_at" TIMESTAMP NOT NULL, "updated_at" TIMESTAMP NOT NULL, PRIMARY KEY ("id"));
--bun:split
CREATE TABLE IF NOT EXISTS "session_staff" ("id" VARCHAR NOT NULL, "workspace_id" VARCHAR NOT NULL, "session_id" VARCHAR NOT NULL, "member_id" VARCHAR NOT NULL DEFAULT '', "email" VARCHAR NOT NULL, "name" VARCHAR NOT NULL DEFAULT '', "role" VARCHAR NOT NULL, "join_token" VARCHAR NOT NULL, "created_at" TIMESTAMP NOT NULL, PRIMARY KEY ("id"), UNIQUE ("join_token"), CONSTRAINT "staff_email" UNIQUE ("session_id", "email"));
--bun:split
CREATE TABLE IF NOT EXISTS "registrants" ("id" VARCHAR NOT NULL, "workspace_id" VARCHAR NOT NULL, "event_id" VARCHAR NOT NULL, "session_id" VARCHAR NOT NULL, "email" VARCHAR NOT NULL, "person_id" VARCHAR NOT NULL, "name" VARCHAR NOT NULL DEFAULT '', "fields" VARCHAR NOT NULL, "status" VARCHAR NOT NULL, "join_token" VARCHAR NOT NULL, "created_at" TIMESTAMP NOT NULL, "updated_at" TIMESTAMP NOT NULL, PRIMARY KEY ("id"), UNIQUE ("join_token"), CONSTRAINT "registrant_email" UNIQUE ("session_id", "email"));
--bun:split
CREATE TABLE IF NOT EXISTS "deliveries" ("id" VARCHAR NOT NULL, "workspace_id" VARCHAR NOT NULL, "session_id" VARCHAR NOT NULL, "recipient_id" VARCHAR NOT NULL, "kind" VARCHAR NOT NULL, "pending" BOOLEAN NOT NULL DEFAULT false, "sent_at" TIMESTAMP, "created_at" TIMESTAMP NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "delivery_key" UNIQUE ("session_id", "recipient_id", "kind"));
--bun:split
CREATE TABLE IF NOT EXISTS "registrant_imports" ("id" VARCHAR NOT NULL, "workspace_id" VARCHAR NOT NULL, "session_id" VARCHAR NOT NULL, "status" VARCHAR NOT NULL, "csv" VARCHAR NOT NULL, "rows" INTEGER NOT NULL, "processed" INTEGER NOT NULL DEFAULT 0, "imported" INTEGER NOT NULL DEFAULT 0, "failed" INTEGER NOT NULL DEFAULT 0, "errors" VARCHAR NOT NULL, "created_by" VARCHAR NOT NULL, "created_at" TIMESTAMP NOT NULL, "updated_at" TIMESTAMP NOT NULL, PRIMARY KEY ("id"));
--bun:split
CREATE TABLE IF NOT EXISTS "invitation_batches" ("id" VARCHAR NOT NULL, "workspace_id" VARCHAR NOT NULL, "session_id" VARCHAR NOT NULL, "emails" VARCHAR NOT NULL, "total" INTEGER NOT NULL, "processed" INTEGER NOT NULL DEFAULT 0, "status" VARCHAR NOT NULL, "created_by" VARCHAR NOT NULL, "created_at" TIMESTAMP NOT NULL, "updated_at" TIMESTAMP NOT NULL, PRIMARY KEY ("id"));
--bun:split
CREATE INDEX IF NOT EXISTS events_workspace_idx ON events (workspace_id, id);
--bun:split
CREATE INDEX IF NOT EXISTS sessions_workspace_event_idx ON sessions (workspace_id, event_id, id);
--bun:split
CREATE INDEX IF NOT EXISTS session_staff_session_idx ON session_staff (session_id, id);
--bun:split
CREATE INDEX IF NOT EXISTS registrants_session_status_idx ON registrants (session_id, status, id);
--bun:split
CREATE INDEX IF NOT EXISTS registrants_workspace_idx ON registrants (workspace_id, id);
--bun:split
CREATE INDEX IF NOT EXISTS deliveries_pending_idx ON deliveries (pending, id);
--bun:split
CREATE INDEX IF NOT EXISTS deliveries_workspace_idx ON deliveries (workspace_id);
--bun:split
CREATE INDEX IF NOT EXISTS registrant_imports_workspace_idx ON registrant_imports (workspace_id, id);
--bun:split
CREATE INDEX IF NOT EXISTS invitation_batches_workspace_idx ON invitation_batches (workspace_id, id);
--bun:split
CREATE TABLE IF NOT EXISTS "billing_accounts" ("id" VARCHAR NOT NULL, "workspace_id" VARCHAR NOT NULL, "subscription_id" VARCHAR NOT NULL DEFAULT '', "status" VARCHAR NOT NULL DEFAULT '', "seats" INTEGER NOT NULL DEFAULT 0, "cancel_at_period_end" BOOLEAN NOT NULL DEFAULT false, "current_period_end" TIMESTAMP, "pending_plan" VARCHAR NOT NULL DEFAULT '', "dunning_since" TIMESTAMP, "address" VARCHAR NOT NULL, "updated_at" TIMESTAMP NOT NULL, PRIMARY KEY ("id"), UNIQUE ("workspace_id"));
--bun:split
CREATE TABLE IF NOT EXISTS "billing_events" ("id" VARCHAR NOT NULL, "workspace_id" VARCHAR NOT NULL, "type" VARCHAR NOT NULL, "received_at" TIMESTAMP NOT NULL, PRIMARY KEY ("id"));
--bun:split
CREATE TABLE IF NOT EXISTS "local_subscriptions" ("id" VARCHAR NOT NULL, "workspace_id" VARCHAR NOT NULL, "customer_id" VARCHAR NOT NULL, "price_lookup_key" VARCHAR NOT NULL, "quantity" INTEGER NOT NULL, "status" VARCHAR NOT NULL, "cancel_at_period_end" BOOLEAN NOT NULL DEFAULT false, "current_period_end" TIMESTAMP NOT NULL, "created_at" TIMESTAMP NOT NULL, PRIMARY KEY ("id"));
--bun:split
CREATE TABLE IF NOT EXISTS "local_invoices" ("id" VARCHAR NOT NULL, "workspace_id" VARCHAR NOT NULL, "customer_id" VARCHAR NOT NULL, "number" VARCHAR NOT NULL, "status" VARCHAR NOT NULL, "amount_cents" INTEGER NOT NULL, "currency" VARCHAR NOT NULL, "period_start" TIMESTAMP NOT NULL, "period_end" TIMESTAMP NOT NULL, "created_at" TIMESTAMP NOT NULL, PRIMARY KEY ("id"));
--bun:split
CREATE INDEX IF NOT EXISTS billing_events_workspace_idx ON billing_events (workspace_id);
--bun:split
CREATE INDEX IF NOT EXISTS local_subscriptions_workspace_idx ON local_subscriptions (workspace_id);
--bun:split
CREATE INDEX IF NOT EXISTS local_invoices_customer_idx ON local_invoices (customer_id, id);
--bun:split
CREATE TABLE IF NOT EXISTS "attendance" ("id" VARCHAR NOT NULL, "workspace_id" VARCHAR NOT NULL, "session_id" VARCHAR NOT NULL, "person_id" VARCHAR NOT NULL, "role" VARCHAR NOT NULL, "name" VARCHAR NOT NULL DEFAULT '', "kind" VARCHAR NOT NULL, "joined_at" TIMESTAMP NOT NULL, "left_at" TIMESTAMP, "seconds" INTEGER NOT NULL DEFAULT 0, PRIMARY KEY ("id"));
--bun:split
CREATE TABLE IF NOT EXISTS "chat_messages" ("id" VARCHAR NOT NULL, "workspace_id" VARCHAR NOT NULL, "session_id" VARCHAR NOT NULL, "breakout_id" VARCHAR NOT NULL DEFAULT '', "person_id" VARCHAR NOT NULL, "name" VARCHAR NOT NULL DEFAULT '', "role" VARCHAR NOT NULL, "text" VARCHAR NOT NULL, "deleted_at" TIMESTAMP, "deleted_by" VARCHAR NOT NULL DEFAULT '', "created_at" TIMESTAMP NOT NULL, PRIMARY KEY ("id"));
--bun:split
CREATE TABLE IF NOT EXISTS "questions" ("id" VARCHAR NOT NULL, "workspace_id" VARCHAR NOT NULL, "session_id" VARCHAR NOT NULL, "person_id" VARCHAR NOT NULL, "name" VARCHAR NOT NULL DEFAULT '', "text" VARCHAR NOT NULL, "private" BOOLEAN NOT NULL DEFAULT false, "answer" VARCHAR NOT NULL DEFAULT '', "answered_by" VARCHAR NOT NULL DEFAULT '', "answered_at" TIMESTAMP, "answered_live" BOOLEAN NOT NULL DEFAULT false, "deleted_at" TIMESTAMP, "deleted_by" VARCHAR NOT NULL DEFAULT '', "created_at" TIMESTAMP NOT NULL, PRIMARY KEY ("id"));
--bun:split
CREATE TABLE IF NOT EXISTS "polls" ("id" VARCHAR NOT NULL, "workspace_id" VARCHAR NOT NULL, "session_id" VARCHAR NOT NULL, "question" VARCHAR NOT NULL, "options" VARCHAR NOT NULL, "status" VARCHAR NOT NULL, "created_by" VARCHAR NOT NULL, "created_at" TIMESTAMP NOT NULL, "sent_at" TIMESTAMP, "closed_at" TIMESTAMP, PRIMARY KEY ("id"));
--bun:split
CREATE TABLE IF NOT EXISTS "poll_votes" ("id" VARCHAR NOT NULL, "workspace_id" VARCHAR NOT NULL, "session_id" VARCHAR NOT NULL, "poll_id" VARCHAR NOT NULL, "person_id" VARCHAR NOT NULL, "name" VARCHAR NOT NULL DEFAULT '', "option" INTEGER NOT NULL, "created_at" TIMESTAMP NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "poll_person" UNIQUE ("poll_id", "person_id"));
--bun:split
CREATE TABLE IF NOT EXISTS "room_events" ("id" VARCHAR NOT NULL, "workspace_id" VARCHAR NOT NULL, "session_id" VARCHAR NOT NULL, "kind" VARCHAR NOT NULL, "actor_id" VARCHAR NOT NULL DEFAULT '', "target_id" VARCHAR NOT NULL DEFAULT '', "data" VARCHAR NOT NULL, "created_at" TIMESTAMP NOT NULL, PRIMARY KEY ("id"));
--bun:split
CREATE TABLE IF NOT EXISTS "recordings" ("id" VARCHAR NOT NULL, "workspace_id" VARCHAR NOT NULL, "session_id" VARCHAR NOT NULL, "status" VARCHAR NOT NULL, "file" VARCHAR NOT NULL DEFAULT '', "bytes" INTEGER NOT NULL DEFAULT 0, "duration_ms" INTEGER NOT NULL DEFAULT 0, "error" VARCHAR NOT NULL DEFAULT '', "started_at" TIMESTAMP, "ready_at" TIMESTAMP, "created_at" TIMESTAMP NOT NULL, "updated_at" TIMESTAMP NOT NULL, PRIMARY KEY ("id"), UNIQUE ("session_id"));
--bun:split
CREATE INDEX IF NOT EXISTS attendance_session_person_idx ON attendance (session_id, person_id, id);
--bun:split
CREATE INDEX IF NOT EXISTS attendance_workspace_idx ON attendance (workspace_id);
--bun:split
CREATE INDEX IF NOT EXISTS chat_messages_session_idx ON chat_messages (session_id, id);
--bun:split
CREATE INDEX IF NOT EXISTS chat_messages_workspace_idx ON chat_messages (workspace_id);
--bun:split
CREATE INDEX IF NOT EXISTS questions_session_idx ON questions (session_id, id);
--bun:split
CREATE INDEX IF NOT EXISTS questions_workspace_idx ON questions (workspace_id);
--bun:split
CREATE INDEX IF NOT EXISTS polls_session_idx ON polls (session_id, id);
--bun:split
CREATE INDEX IF NOT EXISTS polls_workspace_idx ON polls (workspace_id);
--bun:split
CREATE INDEX IF NOT EXISTS poll_votes_session_idx ON poll_votes (session_id, poll_id, id);
--bun:split
CREATE INDEX IF NOT EXISTS poll_votes_workspace_idx ON poll_votes (workspace_id);
--bun:split
CREATE INDEX IF NOT EXISTS room_events_session_idx ON room_events (session_id, id);
--bun:split
CREATE INDEX IF NOT EXISTS room_events_workspace_idx ON room_events (workspace_id);
--bun:split
CREATE INDEX IF NOT EXISTS recordings_workspace_idx ON recordings (workspace_id);
--bun:split
-- applied: 20261122000001_foundation 20261122000300_events 20261122000400_billing 20261201000100_room data
