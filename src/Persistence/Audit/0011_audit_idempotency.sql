-- Idempotency-Key (docs/api.md): every record of a keyed write carries the hash of the principal and the key and the
-- hash of the request (method, path, body), written in the change's own transaction, so the trail says whether a key
-- was used, by which request, and what that request committed. Neither hash reveals the key. Rows of writes without
-- a key, and every row written before this migration, leave both NULL.

ALTER TABLE audit_log ADD COLUMN idempotency_key bytea NULL;
ALTER TABLE audit_log ADD COLUMN idempotency_request bytea NULL;

-- A key is looked up for the whole replay window (24 hours by default), far beyond the few seconds the repeat
-- mechanism walks back by seq. Partial: only keyed writes pay for it, and unkeyed appends keep the one index they had.
CREATE INDEX audit_log_idempotency ON audit_log (idempotency_key, seq) WHERE idempotency_key IS NOT NULL;

-- The first answer of each keyed write, so a repeat gets the same status and body (the same ids, the same one-time
-- credential of a token create). It is sealed with a key derived from the Idempotency-Key and the principal, which no
-- row holds: a row alone opens no answer. Written by the gateway once the answer is known, after the change committed;
-- should that fail, the trail's records above still say that the key's change committed.
CREATE TABLE idempotent_answers
(
    -- SHA-256 of the principal and the key, as in audit_log.idempotency_key.
    key_hash     bytea       PRIMARY KEY,
    request_hash bytea       NOT NULL,
    at           timestamptz NOT NULL,
    -- AES-GCM: nonce, tag, then the status and body of the answer.
    sealed       bytea       NOT NULL
);
