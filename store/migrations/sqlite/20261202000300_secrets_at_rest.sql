-- Personal links are derived from (id, link_version) under ONAIR_LINK_KEY (store/links.go):
-- no clear join secret stays. SQLite cannot drop the UNIQUE join_token column, so both
-- tables are rebuilt (bun's CREATE TABLE for the models) and their indexes made again.
-- SQLite has no SHA-256 in SQL: legacy_link_hash receives the clear legacy secret here, and
-- store.HashLegacyLinks, run right after this file in the same transaction, replaces each by
-- its hash. Erased registrants' secrets ("erased_…") open nothing: no hash.
ALTER TABLE registrants RENAME TO registrants_before_links;
--bun:split
CREATE TABLE "registrants" ("id" VARCHAR NOT NULL, "workspace_id" VARCHAR NOT NULL, "event_id" VARCHAR NOT NULL, "session_id" VARCHAR NOT NULL, "email" VARCHAR NOT NULL, "person_id" VARCHAR NOT NULL, "name" VARCHAR NOT NULL DEFAULT '', "fields" VARCHAR NOT NULL, "status" VARCHAR NOT NULL, "import_id" VARCHAR, "created_at" TIMESTAMP NOT NULL, "updated_at" TIMESTAMP NOT NULL, "link_version" INTEGER NOT NULL DEFAULT 0, "legacy_link_hash" VARCHAR, PRIMARY KEY ("id"), CONSTRAINT "registrant_email" UNIQUE ("session_id", "email"));
--bun:split
INSERT INTO registrants (id, workspace_id, event_id, session_id, email, person_id, name, fields, status, import_id, created_at, updated_at, link_version, legacy_link_hash)
SELECT id, workspace_id, event_id, session_id, email, person_id, name, fields, status, import_id, created_at, updated_at, 0,
       CASE WHEN join_token LIKE 'join\_%' ESCAPE '\' THEN join_token END
FROM registrants_before_links;
--bun:split
DROP TABLE registrants_before_links;
--bun:split
CREATE INDEX registrants_session_status_idx ON registrants (session_id, status, id);
--bun:split
CREATE INDEX registrants_workspace_idx ON registrants (workspace_id, id);
--bun:split
CREATE INDEX registrants_legacy_link_idx ON registrants (legacy_link_hash);
--bun:split
ALTER TABLE session_staff RENAME TO session_staff_before_links;
--bun:split
CREATE TABLE "session_staff" ("id" VARCHAR NOT NULL, "workspace_id" VARCHAR NOT NULL, "session_id" VARCHAR NOT NULL, "member_id" VARCHAR NOT NULL DEFAULT '', "email" VARCHAR NOT NULL, "name" VARCHAR NOT NULL DEFAULT '', "role" VARCHAR NOT NULL, "created_at" TIMESTAMP NOT NULL, "link_version" INTEGER NOT NULL DEFAULT 0, "legacy_link_hash" VARCHAR, PRIMARY KEY ("id"), CONSTRAINT "staff_email" UNIQUE ("session_id", "email"));
--bun:split
INSERT INTO session_staff (id, workspace_id, session_id, member_id, email, name, role, created_at, link_version, legacy_link_hash)
SELECT id, workspace_id, session_id, member_id, email, name, role, created_at, 0,
       CASE WHEN join_token LIKE 'join\_%' ESCAPE '\' AND role = 'speaker' THEN join_token END
FROM session_staff_before_links;
--bun:split
DROP TABLE session_staff_before_links;
--bun:split
CREATE INDEX session_staff_session_idx ON session_staff (session_id, id);
--bun:split
CREATE INDEX session_staff_legacy_link_idx ON session_staff (legacy_link_hash);
--bun:split
-- The API's sweep deletes idempotency records past their 24-hour TTL by created_at.
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
