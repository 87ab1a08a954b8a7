-- Webhook signing secrets are derived under ONAIR_LINK_KEY (store/webhook_secrets.go), not
-- stored: the clear secret column goes. No delivery was ever signed with the old secrets
-- (deliveries come with a later change); an endpoint's new secret follows from its id.
ALTER TABLE "webhook_endpoints" ADD COLUMN "secret_version" BIGINT NOT NULL DEFAULT 0;
--bun:split
ALTER TABLE "webhook_endpoints" DROP COLUMN "secret";
