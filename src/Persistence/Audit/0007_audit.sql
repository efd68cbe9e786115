-- The audit trail: one row per change (store, secret, quota, credential) and per value read, allowed or refused.
-- Rows are appended in the same transaction as the change they record, so a change without its record can never
-- become durable. A row holds ids, names and error tokens: never a value, never a token.

CREATE TABLE audit_log
(
    -- Orders rows that share a timestamp (one commit carries many) and is the tie-breaker of every page.
    seq              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at               timestamptz NOT NULL,
    -- The account the request addressed; NULL for operator changes that belong to no account (services).
    account_id       uuid        NULL,
    -- token:ID, key:EMAIL, service:NAME or operator
    principal        text        NOT NULL,
    action           text        NOT NULL,
    -- The HTTP status of the answer; code and error are set exactly when the request was refused.
    status           integer     NOT NULL,
    code             integer     NULL,
    error            text        NULL,
    store_id         uuid        NULL,
    store_name       text        NULL,
    secret_id        uuid        NULL,
    secret_name      text        NULL,
    request_id       text        NOT NULL,
    -- For a duplicate: the secret whose value was copied into secret_id.
    source_secret_id uuid        NULL,
    -- For credential changes: token:ID, key:EMAIL or service:NAME (never the credential itself).
    subject          text        NULL,
    CHECK ((code IS NULL) = (error IS NULL))
);

-- Pages go newest first by seq (the order rows were appended), so the admin route walks the primary key and the
-- account route this index; time ranges filter along the way. One index besides the key keeps appends cheap.
CREATE INDEX audit_log_account ON audit_log (account_id, seq);
