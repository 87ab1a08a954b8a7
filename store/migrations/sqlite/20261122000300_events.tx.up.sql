CREATE TABLE "events" (
    "id" VARCHAR NOT NULL,
    "workspace_id" VARCHAR NOT NULL,
    "title" VARCHAR NOT NULL,
    "description" VARCHAR NOT NULL DEFAULT '',
    "slug" VARCHAR NOT NULL,
    "settings" VARCHAR NOT NULL,
    "published_at" TIMESTAMP,
    "created_by" VARCHAR NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    PRIMARY KEY ("id"),
    UNIQUE ("slug")
);
--bun:split
CREATE TABLE "sessions" (
    "id" VARCHAR NOT NULL,
    "workspace_id" VARCHAR NOT NULL,
    "event_id" VARCHAR NOT NULL,
    "starts_at" TIMESTAMP NOT NULL,
    "duration_minutes" INTEGER NOT NULL,
    "timezone" VARCHAR NOT NULL,
    "status" VARCHAR NOT NULL,
    "capacity" INTEGER NOT NULL,
    "seats_taken" INTEGER NOT NULL DEFAULT 0,
    "sequence" INTEGER NOT NULL DEFAULT 0,
    "started_at" TIMESTAMP,
    "ended_at" TIMESTAMP,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    PRIMARY KEY ("id")
);
--bun:split
CREATE TABLE "session_staff" (
    "id" VARCHAR NOT NULL,
    "workspace_id" VARCHAR NOT NULL,
    "session_id" VARCHAR NOT NULL,
    "member_id" VARCHAR NOT NULL DEFAULT '',
    "email" VARCHAR NOT NULL,
    "name" VARCHAR NOT NULL DEFAULT '',
    "role" VARCHAR NOT NULL,
    "join_token" VARCHAR NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    PRIMARY KEY ("id"),
    UNIQUE ("join_token"),
    CONSTRAINT "staff_email" UNIQUE ("session_id", "email")
);
--bun:split
CREATE TABLE "registrants" (
    "id" VARCHAR NOT NULL,
    "workspace_id" VARCHAR NOT NULL,
    "event_id" VARCHAR NOT NULL,
    "session_id" VARCHAR NOT NULL,
    "email" VARCHAR NOT NULL,
    "person_id" VARCHAR NOT NULL,
    "name" VARCHAR NOT NULL DEFAULT '',
    "fields" VARCHAR NOT NULL,
    "status" VARCHAR NOT NULL,
    "join_token" VARCHAR NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    PRIMARY KEY ("id"),
    UNIQUE ("join_token"),
    CONSTRAINT "registrant_email" UNIQUE ("session_id", "email")
);
--bun:split
CREATE TABLE "deliveries" (
    "id" VARCHAR NOT NULL,
    "workspace_id" VARCHAR NOT NULL,
    "session_id" VARCHAR NOT NULL,
    "recipient_id" VARCHAR NOT NULL,
    "kind" VARCHAR NOT NULL,
    "pending" BOOLEAN NOT NULL DEFAULT false,
    "sent_at" TIMESTAMP,
    "created_at" TIMESTAMP NOT NULL,
    PRIMARY KEY ("id"),
    CONSTRAINT "delivery_key" UNIQUE ("session_id", "recipient_id", "kind")
);
--bun:split
CREATE TABLE "registrant_imports" (
    "id" VARCHAR NOT NULL,
    "workspace_id" VARCHAR NOT NULL,
    "session_id" VARCHAR NOT NULL,
    "status" VARCHAR NOT NULL,
    "csv" VARCHAR NOT NULL,
    "rows" INTEGER NOT NULL,
    "processed" INTEGER NOT NULL DEFAULT 0,
    "imported" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "errors" VARCHAR NOT NULL,
    "created_by" VARCHAR NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    PRIMARY KEY ("id")
);
--bun:split
CREATE TABLE "invitation_batches" (
    "id" VARCHAR NOT NULL,
    "workspace_id" VARCHAR NOT NULL,
    "session_id" VARCHAR NOT NULL,
    "emails" VARCHAR NOT NULL,
    "total" INTEGER NOT NULL,
    "processed" INTEGER NOT NULL DEFAULT 0,
    "status" VARCHAR NOT NULL,
    "created_by" VARCHAR NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    PRIMARY KEY ("id")
);
--bun:split
CREATE INDEX events_workspace_idx ON events (workspace_id, id);
--bun:split
CREATE INDEX sessions_workspace_event_idx ON sessions (workspace_id, event_id, id);
--bun:split
CREATE INDEX session_staff_session_idx ON session_staff (session_id, id);
--bun:split
CREATE INDEX registrants_session_status_idx ON registrants (session_id, status, id);
--bun:split
CREATE INDEX registrants_workspace_idx ON registrants (workspace_id, id);
--bun:split
CREATE INDEX deliveries_pending_idx ON deliveries (pending, id);
--bun:split
CREATE INDEX deliveries_workspace_idx ON deliveries (workspace_id);
--bun:split
CREATE INDEX registrant_imports_workspace_idx ON registrant_imports (workspace_id, id);
--bun:split
CREATE INDEX invitation_batches_workspace_idx ON invitation_batches (workspace_id, id);
