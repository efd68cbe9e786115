-- Cloudflare's audit-log route (GET /client/v4/accounts/{id}/logs/audit, docs/audit.md) and the account trail page by
-- time, newest or oldest first, within a required since/before window, and continue by a cursor on (at, seq). With the
-- account, the time and the tie-breaker in one index, a page is one range of it: the first page and a page a thousand
-- deep by cursor read the same few entries, however many rows the table holds, and no range is ever sorted.
-- It replaces audit_log_account (account_id, seq), whose order it extends, so appends keep the same number of indexes
-- for the account's trail.
CREATE INDEX audit_log_account_time ON audit_log (account_id, at, seq);
DROP INDEX audit_log_account;

-- The operator's trail across accounts pages by the same order; the retention prune deletes by a range of it.
CREATE INDEX audit_log_time ON audit_log (at, seq);
