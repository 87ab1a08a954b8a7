-- Databases created before versioned migrations had their tables built from
-- the bun models of the build that created them, and later builds only marked
-- those migrations applied. This brings any such schema to the baseline:
-- columns added to models since (workspaces.suspended_at, .deleting_at,
-- memberships.name), the column pricing dropped from workspaces (a workspace's
-- pricing model derives from its plan), and the two tables added to the events
-- migration after it first shipped. On a database created by the baseline
-- files every statement is a no-op.
ALTER TABLE "workspaces" ADD COLUMN IF NOT EXISTS "suspended_at" TIMESTAMPTZ;
--bun:split
ALTER TABLE "workspaces" ADD COLUMN IF NOT EXISTS "deleting_at" TIMESTAMPTZ;
--bun:split
ALTER TABLE "workspaces" DROP COLUMN IF EXISTS "pricing";
--bun:split
ALTER TABLE "memberships" ADD COLUMN IF NOT EXISTS "name" VARCHAR NOT NULL DEFAULT '';
--bun:split
CREATE TABLE IF NOT EXISTS "registrant_imports" (
    "id" VARCHAR NOT NULL,
    "workspace_id" VARCHAR NOT NULL,
    "session_id" VARCHAR NOT NULL,
    "status" VARCHAR NOT NULL,
    "csv" VARCHAR NOT NULL,
    "rows" BIGINT NOT NULL,
    "processed" BIGINT NOT NULL DEFAULT 0,
    "imported" BIGINT NOT NULL DEFAULT 0,
    "failed" BIGINT NOT NULL DEFAULT 0,
    "errors" JSONB NOT NULL,
    "created_by" VARCHAR NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    PRIMARY KEY ("id")
);
--bun:split
CREATE TABLE IF NOT EXISTS "invitation_batches" (
    "id" VARCHAR NOT NULL,
    "workspace_id" VARCHAR NOT NULL,
    "session_id" VARCHAR NOT NULL,
    "emails" JSONB NOT NULL,
    "total" BIGINT NOT NULL,
    "processed" BIGINT NOT NULL DEFAULT 0,
    "status" VARCHAR NOT NULL,
    "created_by" VARCHAR NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    PRIMARY KEY ("id")
);
--bun:split
CREATE INDEX IF NOT EXISTS registrant_imports_workspace_idx ON registrant_imports (workspace_id, id);
--bun:split
CREATE INDEX IF NOT EXISTS invitation_batches_workspace_idx ON invitation_batches (workspace_id, id);
