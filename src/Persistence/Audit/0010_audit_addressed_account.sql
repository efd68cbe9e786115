-- Refusals of a principal foreign to the account it addressed (another account's token or key, a service not granted
-- the account) are the operator's alone: their account_id is NULL, so no account's trail returns them and no tenant
-- reads another's token id, key email or service name, and the account they addressed is kept here for the operator.
-- Rows written before this migration keep their account_id.

ALTER TABLE audit_log ADD COLUMN addressed_account_id uuid NULL;

-- The operator's account filter also finds the refusals addressed to that account. Only they have this column set, so
-- the partial index costs nothing for every other row.
CREATE INDEX audit_log_addressed ON audit_log (addressed_account_id, seq) WHERE addressed_account_id IS NOT NULL;
