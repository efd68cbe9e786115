-- Accounts and the credentials that act for them. Secrets themselves live in grain state.

CREATE TABLE accounts
(
    id      text        PRIMARY KEY CHECK (id ~ '^[0-9a-f]{32}$'),
    name    text        NOT NULL,
    created timestamptz NOT NULL DEFAULT now()
);

-- Only a hash of each token is kept, so a database leak does not leak usable tokens;
-- the unique hash is also how a presented token is looked up.
CREATE TABLE account_tokens
(
    id         text        PRIMARY KEY,
    account_id text        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name       text        NOT NULL,
    permission text        NOT NULL CHECK (permission IN ('read', 'write')),
    token_hash bytea       NOT NULL UNIQUE,
    created    timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz NULL
);

CREATE INDEX account_tokens_account_id ON account_tokens (account_id);

-- One API key per e-mail address within an account. The application lower-cases e-mails before
-- storing them, so the primary key compares them case-insensitively. (No CHECK against lower():
-- PostgreSQL's idea of lower case depends on the database locale and need not match .NET's.)
CREATE TABLE account_keys
(
    account_id text        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    email      text        NOT NULL,
    key_hash   bytea       NOT NULL UNIQUE,
    created    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, email)
);
