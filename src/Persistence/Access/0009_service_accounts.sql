-- The accounts each service may act in (docs/access.md, "Services and their accounts"). A service either acts in every
-- account (every_account, "accounts": ["*"] on the wire: a platform-wide service) or only in the accounts listed in
-- service_accounts; anywhere else the system routes answer 404 account_not_found, as for an account that does not exist.
--
-- Migration note: services made before this migration acted in every account, and they keep doing so: the column is
-- added true for every existing row. New services must say which accounts they act in (the create route refuses a body
-- without "accounts"), so the column has no default. To narrow an old service, grant it its accounts
-- (PUT /admin/v1/services/{name}/accounts/{account_id}), then revoke every account (DELETE …/accounts/*).

ALTER TABLE services ADD COLUMN every_account boolean NOT NULL DEFAULT true;
ALTER TABLE services ALTER COLUMN every_account DROP DEFAULT;

-- A grant goes with its service and with its account: deleting either removes it, so a service created again under a
-- deleted one's name starts with no grant, and a deleted account's id grants nothing.
CREATE TABLE service_accounts
(
    service    text        NOT NULL REFERENCES services (name) ON DELETE CASCADE,
    account_id text        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (service, account_id)
);

-- Deleting an account finds its grants by this index rather than by scanning every service's.
CREATE INDEX service_accounts_account_id ON service_accounts (account_id);
