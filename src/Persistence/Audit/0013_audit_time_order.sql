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

-- "What happened to this secret": the audit-log route's resource_id filter pages one resource's entries in the same
-- order. The expression is AuditEntries.ResourceId's, so the planner matches it: change both together.
CREATE INDEX audit_log_resource_time ON audit_log ((
    CASE split_part(action, '.', 1)
        WHEN 'secret' THEN replace(secret_id::text, '-', '')
        WHEN 'store' THEN replace(store_id::text, '-', '')
        WHEN 'account' THEN replace(coalesce(account_id, addressed_account_id)::text, '-', '')
        WHEN 'quota' THEN replace(coalesce(account_id, addressed_account_id)::text, '-', '')
        WHEN 'token' THEN substr(subject, 7)
        WHEN 'key' THEN substr(subject, 5)
        WHEN 'service' THEN substr(subject, 9)
    END), at, seq);
