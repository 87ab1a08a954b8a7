-- Where a registrant came from (utm_* parameters, the referring site) and when they accepted
-- the workspace's consent text on the registration page.
ALTER TABLE "registrants" ADD COLUMN "utm_source" VARCHAR NOT NULL DEFAULT '';
--bun:split
ALTER TABLE "registrants" ADD COLUMN "utm_medium" VARCHAR NOT NULL DEFAULT '';
--bun:split
ALTER TABLE "registrants" ADD COLUMN "utm_campaign" VARCHAR NOT NULL DEFAULT '';
--bun:split
ALTER TABLE "registrants" ADD COLUMN "utm_term" VARCHAR NOT NULL DEFAULT '';
--bun:split
ALTER TABLE "registrants" ADD COLUMN "utm_content" VARCHAR NOT NULL DEFAULT '';
--bun:split
ALTER TABLE "registrants" ADD COLUMN "referrer" VARCHAR NOT NULL DEFAULT '';
--bun:split
ALTER TABLE "registrants" ADD COLUMN "consented_at" TIMESTAMPTZ;
