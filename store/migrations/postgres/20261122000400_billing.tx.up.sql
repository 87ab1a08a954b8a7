CREATE TABLE "billing_accounts" (
    "id" VARCHAR NOT NULL,
    "workspace_id" VARCHAR NOT NULL,
    "subscription_id" VARCHAR NOT NULL DEFAULT '',
    "status" VARCHAR NOT NULL DEFAULT '',
    "seats" BIGINT NOT NULL DEFAULT 0,
    "cancel_at_period_end" BOOLEAN NOT NULL DEFAULT false,
    "current_period_end" TIMESTAMPTZ,
    "pending_plan" VARCHAR NOT NULL DEFAULT '',
    "dunning_since" TIMESTAMPTZ,
    "address" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    PRIMARY KEY ("id"),
    UNIQUE ("workspace_id")
);
--bun:split
CREATE TABLE "billing_events" (
    "id" VARCHAR NOT NULL,
    "workspace_id" VARCHAR NOT NULL,
    "type" VARCHAR NOT NULL,
    "received_at" TIMESTAMPTZ NOT NULL,
    PRIMARY KEY ("id")
);
--bun:split
CREATE TABLE "local_subscriptions" (
    "id" VARCHAR NOT NULL,
    "workspace_id" VARCHAR NOT NULL,
    "customer_id" VARCHAR NOT NULL,
    "price_lookup_key" VARCHAR NOT NULL,
    "quantity" BIGINT NOT NULL,
    "status" VARCHAR NOT NULL,
    "cancel_at_period_end" BOOLEAN NOT NULL DEFAULT false,
    "current_period_end" TIMESTAMPTZ NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    PRIMARY KEY ("id")
);
--bun:split
CREATE TABLE "local_invoices" (
    "id" VARCHAR NOT NULL,
    "workspace_id" VARCHAR NOT NULL,
    "customer_id" VARCHAR NOT NULL,
    "number" VARCHAR NOT NULL,
    "status" VARCHAR NOT NULL,
    "amount_cents" BIGINT NOT NULL,
    "currency" VARCHAR NOT NULL,
    "period_start" TIMESTAMPTZ NOT NULL,
    "period_end" TIMESTAMPTZ NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    PRIMARY KEY ("id")
);
--bun:split
CREATE INDEX billing_events_workspace_idx ON billing_events (workspace_id);
--bun:split
CREATE INDEX local_subscriptions_workspace_idx ON local_subscriptions (workspace_id);
--bun:split
CREATE INDEX local_invoices_customer_idx ON local_invoices (customer_id, id);
