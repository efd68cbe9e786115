-- Idempotency-Key on a store's secret writes is decided in the store's grain (docs/api.md, "Idempotency-Key"): its
-- answer is kept in the same group-commit transaction as the change, so the answer is durable exactly when the change
-- is. Such a row names its store, so the store's grain can learn at activation which keys its recent writes used,
-- and holds the grain's typed outcome (format 1) rather than the gateway's rendered answer (format 0).

ALTER TABLE idempotent_answers ADD COLUMN store_id uuid NULL;
ALTER TABLE idempotent_answers ADD COLUMN format smallint NOT NULL DEFAULT 0;

-- The keys a store's grain loads when it activates: its newest first. Partial: the gateway's own rows name no store.
CREATE INDEX idempotent_answers_store ON idempotent_answers (store_id, at) WHERE store_id IS NOT NULL;
