-- An event may be written in its own language (pages, e-mails); empty follows the workspace's.
ALTER TABLE "events" ADD COLUMN "language" VARCHAR NOT NULL DEFAULT '';
