using SecretsStore.Persistence.Audit;

namespace SecretsStore.Persistence.Stores;

/// <summary>
/// What one store's commit writes: its secret changes, its audit records and the account usage they add. The grains'
/// drafts are this, so the commit batch reads them as they are, with no copy per commit.
/// </summary>
public interface IStoreChanges
{
    Guid StoreId { get; }

    /// <summary>The version of the store's row the changes were planned on; read only when <see cref="HasChanges"/>.</summary>
    long PlannedVersion { get; }

    /// <summary>The account whose usage <see cref="CountDelta"/> changes; read only when <see cref="HasChanges"/>.</summary>
    Guid AccountId { get; }

    /// <summary>Whether a row of the store changes (its version then moves on); audit records alone change none.</summary>
    bool HasChanges { get; }

    /// <summary>The store is deleted, and every secret in it.</summary>
    bool StoreDeleted { get; }

    /// <summary>The records of every command, allowed and refused; they commit with the changes or not at all.</summary>
    IReadOnlyList<AuditRecord> Audit { get; }

    /// <summary>The answers of the store's keyed writes (Idempotency-Key), kept with the changes or not at all.</summary>
    IReadOnlyList<KeptAnswer> Answers { get; }

    /// <summary>Secrets whose rows are to be deleted: removed, and stored before this commit.</summary>
    IEnumerable<Guid> RemovedSecrets { get; }

    /// <summary>Secrets whose rows are to be inserted or replaced.</summary>
    IEnumerable<SecretRecord> UpsertedSecrets { get; }

    /// <summary>How the store's secret count (and so its account's usage) changes.</summary>
    int CountDelta { get; }
}
