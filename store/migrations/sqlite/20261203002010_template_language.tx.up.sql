-- A workspace's e-mail template may be written for one language; empty serves every
-- language that has no template of its own.
ALTER TABLE "email_templates" ADD COLUMN "language" VARCHAR NOT NULL DEFAULT '';
