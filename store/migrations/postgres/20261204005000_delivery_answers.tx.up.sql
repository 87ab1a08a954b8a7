-- What became of each e-mail delivery: the mail server's answer to the message (its code and
-- text, "250 2.0.0 Ok: queued as 4F2"), or why it did not go (a refusal, an unsubscribed
-- address, a recipient gone), for the delivery record of GET /v1/registrants/:id/deliveries.
ALTER TABLE "deliveries" ADD COLUMN "smtp_reply" VARCHAR NOT NULL DEFAULT '';
--bun:split
ALTER TABLE "deliveries" ADD COLUMN "failure" VARCHAR NOT NULL DEFAULT '';
