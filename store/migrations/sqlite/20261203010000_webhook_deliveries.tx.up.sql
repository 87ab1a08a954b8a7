-- Outbound webhook delivery: the outbox of events (written in the transaction of the
-- change each reports), one delivery per subscribed endpoint, and the endpoints' state
-- (enabled, failing since, the previous secret's overlap after a rotation).
ALTER TABLE "webhook_endpoints" ADD COLUMN "previous_secret_until" TIMESTAMP;
--bun:split
ALTER TABLE "webhook_endpoints" ADD COLUMN "enabled" BOOLEAN NOT NULL DEFAULT true;
--bun:split
ALTER TABLE "webhook_endpoints" ADD COLUMN "disabled_reason" VARCHAR NOT NULL DEFAULT '';
--bun:split
ALTER TABLE "webhook_endpoints" ADD COLUMN "failing_since" TIMESTAMP;
--bun:split
CREATE TABLE "webhook_events" (
	"id" VARCHAR NOT NULL,
	"workspace_id" VARCHAR NOT NULL,
	"type" VARCHAR NOT NULL,
	"data" VARCHAR NOT NULL,
	"created_at" TIMESTAMP NOT NULL,
	PRIMARY KEY ("id")
);
--bun:split
CREATE TABLE "webhook_deliveries" (
	"id" VARCHAR NOT NULL,
	"workspace_id" VARCHAR NOT NULL,
	"endpoint_id" VARCHAR NOT NULL,
	"event_id" VARCHAR NOT NULL,
	"event_type" VARCHAR NOT NULL,
	"status" VARCHAR NOT NULL,
	"attempts" INTEGER NOT NULL DEFAULT 0,
	"response_status" INTEGER NOT NULL DEFAULT 0,
	"latency_ms" INTEGER NOT NULL DEFAULT 0,
	"last_error" VARCHAR NOT NULL DEFAULT '',
	"next_attempt_at" TIMESTAMP NOT NULL,
	"last_attempt_at" TIMESTAMP,
	"delivered_at" TIMESTAMP,
	"created_at" TIMESTAMP NOT NULL,
	PRIMARY KEY ("id")
);
--bun:split
CREATE INDEX webhook_events_workspace_idx ON webhook_events (workspace_id, created_at);
--bun:split
CREATE INDEX webhook_deliveries_queue_idx ON webhook_deliveries (status, endpoint_id, id);
--bun:split
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, id);
