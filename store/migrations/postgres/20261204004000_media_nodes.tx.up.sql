-- Media nodes register and heartbeat here (issue 19): the API places each live room on the
-- least-loaded healthy node and records it in room_placements. A room's placement names its
-- origin node; nodes that later receive a room's tracks from its origin (a room spanning
-- nodes) will get a table of their own keyed by (session, node).
CREATE TABLE "media_nodes" (
    "id" VARCHAR NOT NULL,
    "public_url" VARCHAR NOT NULL,
    "control_url" VARCHAR NOT NULL,
    "region" VARCHAR NOT NULL DEFAULT '',
    "capacity" BIGINT NOT NULL,
    "participants" BIGINT NOT NULL DEFAULT 0,
    "draining" BOOLEAN NOT NULL DEFAULT false,
    "started_at" TIMESTAMPTZ NOT NULL,
    "heartbeat_at" TIMESTAMPTZ NOT NULL,
    PRIMARY KEY ("id")
);
--bun:split
CREATE TABLE "room_placements" (
    "session_id" VARCHAR NOT NULL,
    "node_id" VARCHAR NOT NULL,
    "generation" BIGINT NOT NULL,
    "placed_at" TIMESTAMPTZ NOT NULL,
    PRIMARY KEY ("session_id")
);
--bun:split
CREATE INDEX room_placements_node_idx ON room_placements (node_id, placed_at);
