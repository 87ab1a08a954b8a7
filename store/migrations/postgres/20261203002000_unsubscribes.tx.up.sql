-- Addresses that asked a workspace to stop sending them some kinds of e-mail (reminders,
-- invitations, follow-ups); kind '*' stops all of those kinds.
CREATE TABLE "unsubscribes" (
	"workspace_id" VARCHAR NOT NULL,
	"email" VARCHAR NOT NULL,
	"kind" VARCHAR NOT NULL,
	"created_at" TIMESTAMPTZ NOT NULL,
	PRIMARY KEY ("workspace_id", "email", "kind")
);
