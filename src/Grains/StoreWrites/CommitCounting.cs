using SecretsStore.Grains.Telemetry;
using SecretsStore.Persistence.Audit;

namespace SecretsStore.Grains.StoreWrites;

/// <summary>
/// Counts what a durable commit did from its audit records, which name every secret a command changed and every value
/// read, allowed or refused. So the counters agree with the audit trail and never count a change that did not commit.
/// </summary>
public static class CommitCounting
{
    public static void CountCommitted(this SecretsStoreMetrics metrics, StoreDraft draft)
    {
        int created = 0, patched = 0, deleted = 0, duplicated = 0;
        foreach (var record in draft.Audit)
        {
            if (record.Action == AuditActions.SecretReadValue)
            {
                metrics.ValueRead(record.IsAllowed);
                continue;
            }

            if (!record.IsAllowed)
            {
                continue;
            }

            switch (record.Action)
            {
                case AuditActions.SecretCreate:
                    created++;
                    break;
                case AuditActions.SecretPatch:
                    patched++;
                    break;
                case AuditActions.SecretDelete or AuditActions.SecretBulkDelete:
                    deleted++;
                    break;
                case AuditActions.SecretDuplicate:
                    duplicated++;
                    break;
            }
        }

        if (draft.StoreDeleted)
        {
            // A forced delete removes the store's secrets without a record each.
            deleted += draft.Committed.Count;
        }

        if (created > 0)
        {
            metrics.SecretsCreated(created);
        }

        if (patched > 0)
        {
            metrics.SecretsPatched(patched);
        }

        if (deleted > 0)
        {
            metrics.SecretsDeleted(deleted);
        }

        if (duplicated > 0)
        {
            metrics.SecretsDuplicated(duplicated);
        }
    }
}
