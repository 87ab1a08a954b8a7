ALTER TABLE "registrant_imports" ADD COLUMN "duplicates" BIGINT NOT NULL DEFAULT 0;
--bun:split
ALTER TABLE "registrant_imports" ADD COLUMN "failure" VARCHAR;
--bun:split
UPDATE "registrant_imports" SET "status" = 'completed' WHERE "status" = 'done';
--bun:split
ALTER TABLE "registrants" ADD COLUMN "import_id" VARCHAR;
