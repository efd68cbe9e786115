-- Cloudflare's audit-log entries (docs/audit.md) carry raw.method and raw.uri, and a secret update that changed the
-- value carries value_modified: true. The gateway records the request's method and its target as received (path and
-- query; never a header or a body, and no route takes a value or a credential in its query), and the store grain marks
-- a PATCH that carried a value. Nullable, with no default, so adding them rewrites no row: rows written before this
-- migration (and records no HTTP request made) leave them NULL, and their entries are rendered without them.
-- value_modified is NULL rather than false where a record changed no value, so the common row stores nothing for it.
ALTER TABLE audit_log ADD COLUMN method text NULL;
ALTER TABLE audit_log ADD COLUMN uri text NULL;
ALTER TABLE audit_log ADD COLUMN value_modified boolean NULL;
