-- Slide decks uploaded for a session (issue 15): the PDF is not kept, only its pages drawn
-- once as images, which the media node serves to the room page.
CREATE TABLE "decks" (
    "id" VARCHAR NOT NULL,
    "workspace_id" VARCHAR NOT NULL,
    "session_id" VARCHAR NOT NULL,
    "name" VARCHAR NOT NULL,
    "pages" INTEGER NOT NULL,
    "bytes" INTEGER NOT NULL,
    "created_by" VARCHAR NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    PRIMARY KEY ("id")
);
--bun:split
CREATE TABLE "deck_pages" (
    "deck_id" VARCHAR NOT NULL,
    "page" INTEGER NOT NULL,
    "workspace_id" VARCHAR NOT NULL,
    "session_id" VARCHAR NOT NULL,
    "content_type" VARCHAR NOT NULL,
    "image" BLOB NOT NULL,
    PRIMARY KEY ("deck_id", "page")
);
--bun:split
CREATE INDEX decks_session_idx ON decks (session_id, id);
--bun:split
CREATE INDEX deck_pages_session_idx ON deck_pages (session_id);
