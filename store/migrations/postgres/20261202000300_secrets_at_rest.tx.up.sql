-- Personal links are derived from (id, link_version) under ONAIR_LINK_KEY (store/links.go):
-- no clear join secret stays. Links already e-mailed keep working through the SHA-256 of their
-- secret in legacy_link_hash. Erased registrants' secrets ("erased_…") open nothing: no hash.
ALTER TABLE registrants ADD COLUMN link_version BIGINT NOT NULL DEFAULT 0;
--bun:split
ALTER TABLE registrants ADD COLUMN legacy_link_hash VARCHAR;
--bun:split
UPDATE registrants SET legacy_link_hash = encode(sha256(convert_to(join_token, 'UTF8')), 'hex')
WHERE join_token LIKE 'join\_%';
--bun:split
ALTER TABLE registrants DROP COLUMN join_token;
--bun:split
CREATE INDEX registrants_legacy_link_idx ON registrants (legacy_link_hash);
--bun:split
ALTER TABLE session_staff ADD COLUMN link_version BIGINT NOT NULL DEFAULT 0;
--bun:split
ALTER TABLE session_staff ADD COLUMN legacy_link_hash VARCHAR;
--bun:split
UPDATE session_staff SET legacy_link_hash = encode(sha256(convert_to(join_token, 'UTF8')), 'hex')
WHERE join_token LIKE 'join\_%' AND role = 'speaker';
--bun:split
ALTER TABLE session_staff DROP COLUMN join_token;
--bun:split
CREATE INDEX session_staff_legacy_link_idx ON session_staff (legacy_link_hash);
--bun:split
-- The API's sweep deletes idempotency records past their 24-hour TTL by created_at.
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
