-- Platform services that manage stores through the system routes. A service is its name: the name is what
-- stores record as managed_by, so deleting a service revokes its token but leaves its stores managed by
-- that name, and a service created again under the name (with a new token) regains them.

CREATE TABLE services
(
    name       text        PRIMARY KEY CHECK (name ~ '^[a-z0-9_-]{1,64}$'),
    scopes     text[]      NOT NULL,
    token_hash bytea       NOT NULL UNIQUE,
    created    timestamptz NOT NULL DEFAULT now()
);
