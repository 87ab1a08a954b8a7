-- Rooms that span media nodes (issue 19 item 3). A room's origin stays in room_placements;
-- room_edges lists the other nodes serving it, each for one generation of the origin's
-- placement (a room that moved to another origin starts with no edges). room_seats records
-- which node each participant was placed on, so a node takes a room's participants up to the
-- share (ONAIR_MEDIA_ROOM_SHARE) and a participant who comes back returns to the same node.
CREATE TABLE "room_edges" (
    "session_id" VARCHAR NOT NULL,
    "node_id" VARCHAR NOT NULL,
    "generation" INTEGER NOT NULL,
    "placed_at" TIMESTAMP NOT NULL,
    PRIMARY KEY ("session_id", "node_id")
);
--bun:split
CREATE TABLE "room_seats" (
    "session_id" VARCHAR NOT NULL,
    "person_id" VARCHAR NOT NULL,
    "node_id" VARCHAR NOT NULL,
    "generation" INTEGER NOT NULL,
    "placed_at" TIMESTAMP NOT NULL,
    PRIMARY KEY ("session_id", "person_id")
);
--bun:split
CREATE INDEX room_seats_node_idx ON room_seats (session_id, node_id, generation);
