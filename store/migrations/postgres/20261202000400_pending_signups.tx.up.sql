-- Sign-ups made with the address of an existing account, held until the
-- address's owner posts the e-mailed token (only its SHA-256 is kept).
CREATE TABLE "pending_signups" (
	"id" VARCHAR NOT NULL,
	"email" VARCHAR NOT NULL,
	"workspace_name" VARCHAR NOT NULL,
	"name" VARCHAR NOT NULL,
	"token_hash" VARCHAR NOT NULL,
	"expires_at" TIMESTAMPTZ NOT NULL,
	"used_at" TIMESTAMPTZ,
	"created_at" TIMESTAMPTZ NOT NULL,
	PRIMARY KEY ("id"),
	UNIQUE ("token_hash")
);
