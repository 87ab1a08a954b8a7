CREATE TABLE "attendance" (
    "id" VARCHAR NOT NULL,
    "workspace_id" VARCHAR NOT NULL,
    "session_id" VARCHAR NOT NULL,
    "person_id" VARCHAR NOT NULL,
    "role" VARCHAR NOT NULL,
    "name" VARCHAR NOT NULL DEFAULT '',
    "kind" VARCHAR NOT NULL,
    "joined_at" TIMESTAMP NOT NULL,
    "left_at" TIMESTAMP,
    "seconds" INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY ("id")
);
--bun:split
CREATE TABLE "chat_messages" (
    "id" VARCHAR NOT NULL,
    "workspace_id" VARCHAR NOT NULL,
    "session_id" VARCHAR NOT NULL,
    "breakout_id" VARCHAR NOT NULL DEFAULT '',
    "person_id" VARCHAR NOT NULL,
    "name" VARCHAR NOT NULL DEFAULT '',
    "role" VARCHAR NOT NULL,
    "text" VARCHAR NOT NULL,
    "deleted_at" TIMESTAMP,
    "deleted_by" VARCHAR NOT NULL DEFAULT '',
    "created_at" TIMESTAMP NOT NULL,
    PRIMARY KEY ("id")
);
--bun:split
CREATE TABLE "questions" (
    "id" VARCHAR NOT NULL,
    "workspace_id" VARCHAR NOT NULL,
    "session_id" VARCHAR NOT NULL,
    "person_id" VARCHAR NOT NULL,
    "name" VARCHAR NOT NULL DEFAULT '',
    "text" VARCHAR NOT NULL,
    "private" BOOLEAN NOT NULL DEFAULT false,
    "answer" VARCHAR NOT NULL DEFAULT '',
    "answered_by" VARCHAR NOT NULL DEFAULT '',
    "answered_at" TIMESTAMP,
    "answered_live" BOOLEAN NOT NULL DEFAULT false,
    "deleted_at" TIMESTAMP,
    "deleted_by" VARCHAR NOT NULL DEFAULT '',
    "created_at" TIMESTAMP NOT NULL,
    PRIMARY KEY ("id")
);
--bun:split
CREATE TABLE "polls" (
    "id" VARCHAR NOT NULL,
    "workspace_id" VARCHAR NOT NULL,
    "session_id" VARCHAR NOT NULL,
    "question" VARCHAR NOT NULL,
    "options" VARCHAR NOT NULL,
    "status" VARCHAR NOT NULL,
    "created_by" VARCHAR NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "sent_at" TIMESTAMP,
    "closed_at" TIMESTAMP,
    PRIMARY KEY ("id")
);
--bun:split
CREATE TABLE "poll_votes" (
    "id" VARCHAR NOT NULL,
    "workspace_id" VARCHAR NOT NULL,
    "session_id" VARCHAR NOT NULL,
    "poll_id" VARCHAR NOT NULL,
    "person_id" VARCHAR NOT NULL,
    "name" VARCHAR NOT NULL DEFAULT '',
    "option" INTEGER NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    PRIMARY KEY ("id"),
    CONSTRAINT "poll_person" UNIQUE ("poll_id", "person_id")
);
--bun:split
CREATE TABLE "room_events" (
    "id" VARCHAR NOT NULL,
    "workspace_id" VARCHAR NOT NULL,
    "session_id" VARCHAR NOT NULL,
    "kind" VARCHAR NOT NULL,
    "actor_id" VARCHAR NOT NULL DEFAULT '',
    "target_id" VARCHAR NOT NULL DEFAULT '',
    "data" VARCHAR NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    PRIMARY KEY ("id")
);
--bun:split
CREATE TABLE "recordings" (
    "id" VARCHAR NOT NULL,
    "workspace_id" VARCHAR NOT NULL,
    "session_id" VARCHAR NOT NULL,
    "status" VARCHAR NOT NULL,
    "file" VARCHAR NOT NULL DEFAULT '',
    "bytes" INTEGER NOT NULL DEFAULT 0,
    "duration_ms" INTEGER NOT NULL DEFAULT 0,
    "error" VARCHAR NOT NULL DEFAULT '',
    "started_at" TIMESTAMP,
    "ready_at" TIMESTAMP,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    PRIMARY KEY ("id"),
    UNIQUE ("session_id")
);
--bun:split
CREATE INDEX attendance_session_person_idx ON attendance (session_id, person_id, id);
--bun:split
CREATE INDEX attendance_workspace_idx ON attendance (workspace_id);
--bun:split
CREATE INDEX chat_messages_session_idx ON chat_messages (session_id, id);
--bun:split
CREATE INDEX chat_messages_workspace_idx ON chat_messages (workspace_id);
--bun:split
CREATE INDEX questions_session_idx ON questions (session_id, id);
--bun:split
CREATE INDEX questions_workspace_idx ON questions (workspace_id);
--bun:split
CREATE INDEX polls_session_idx ON polls (session_id, id);
--bun:split
CREATE INDEX polls_workspace_idx ON polls (workspace_id);
--bun:split
CREATE INDEX poll_votes_session_idx ON poll_votes (session_id, poll_id, id);
--bun:split
CREATE INDEX poll_votes_workspace_idx ON poll_votes (workspace_id);
--bun:split
CREATE INDEX room_events_session_idx ON room_events (session_id, id);
--bun:split
CREATE INDEX room_events_workspace_idx ON room_events (workspace_id);
--bun:split
CREATE INDEX recordings_workspace_idx ON recordings (workspace_id);
