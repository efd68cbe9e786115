-- Stores and their secrets as rows of their own, so that a write touches only the rows it changes.
-- StoreGrain is the single writer of a store's rows; every commit bumps stores.version in the same
-- transaction and checks it, so a stale duplicate activation can never overwrite a newer write.

CREATE TABLE stores
(
    id            uuid        PRIMARY KEY,
    account_id    uuid        NOT NULL,
    name          text        NOT NULL,
    managed_by    text        NULL,
    created       timestamptz NOT NULL,
    modified      timestamptz NOT NULL,
    -- The store's data key, wrapped by the master key with this fingerprint; both are cleared when the
    -- store is deleted, so the ciphertexts of a deleted store can never be opened again.
    master_key_id text        NULL,
    data_key      bytea       NULL,
    -- A deleted store keeps its row as a tombstone: its id is never reused, and the account can tell
    -- "deleted" from "never existed".
    deleted       timestamptz NULL,
    version       bigint      NOT NULL DEFAULT 0
);

-- Store names are unique among an account's live stores; a deleted store's name is free again.
CREATE UNIQUE INDEX stores_live_name ON stores (account_id, name) WHERE deleted IS NULL;

CREATE TABLE secrets
(
    store_id     uuid        NOT NULL REFERENCES stores (id),
    id           uuid        NOT NULL,
    name         text        NOT NULL,
    created      timestamptz NOT NULL,
    modified     timestamptz NOT NULL,
    comment      text        NULL,
    scopes       text[]      NOT NULL,
    -- AES-256-GCM ciphertext under the store's data key; the plaintext is never stored.
    sealed_value bytea       NOT NULL,
    PRIMARY KEY (store_id, id)
);

CREATE UNIQUE INDEX secrets_name ON secrets (store_id, name);

-- One row per account: its own limits (NULL means the deployment's default) and how many secrets its
-- stores hold. secrets_used changes in the same transaction as the secret rows it counts, and that
-- transaction holds this row's lock while it checks the limit, so usage is exact under concurrency and
-- right after a crash between any two writes.
CREATE TABLE account_quotas
(
    account_id    uuid    PRIMARY KEY,
    secrets_limit integer NULL CHECK (secrets_limit >= 0),
    stores_limit  integer NULL CHECK (stores_limit >= 0),
    secrets_used  integer NOT NULL DEFAULT 0 CHECK (secrets_used >= 0)
);

-- A commit is sent as one batch in one implicit transaction; its guards (the stores' versions, the accounts'
-- limits) are statements that raise when they do not hold, so the whole batch rolls back and the writer learns
-- which guard failed from the error code: SS001 a store's version moved on, SS002 an account's limit.
CREATE FUNCTION secretsstore_guard(holds boolean, error_code text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT holds THEN
        RAISE EXCEPTION 'commit guard % failed', error_code USING ERRCODE = error_code;
    END IF;
END
$$;
