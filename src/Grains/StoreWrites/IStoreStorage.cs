using SecretsStore.Persistence.Audit;
using SecretsStore.Persistence.Stores;

namespace SecretsStore.Grains.StoreWrites;

/// <summary>A batch of one store's write commands, planned against <see cref="Store"/> inside the commit.</summary>
public sealed record StoreBatch(StoreSnapshot Store, IReadOnlyList<StoreCommand> Commands)
{
    /// <summary>Runs every command in order against a draft over the snapshot.</summary>
    /// <param name="keys">The Idempotency-Keys of the commit round this batch is planned in.</param>
    public StoreDraft Plan(QuotaBudget quota, KeysInRound? keys = null)
    {
        var draft = new StoreDraft(Store, quota, keys);
        foreach (var command in Commands)
        {
            command.Plan(draft);
        }

        return draft;
    }
}

/// <summary>
/// How a batch's commit ended: the one vocabulary for it. The storage decides it (the commit writer, from how its
/// transaction ended and whether the batch was fenced or its plan threw), and the write queue answers by it.
/// </summary>
public enum CommitStatus
{
    /// <summary>Durable; <see cref="CommitResult.Draft"/> holds what changed.</summary>
    Committed,

    /// <summary>Storage holds a newer version of the store than the snapshot: another activation wrote. Nothing was written.</summary>
    Fenced,

    /// <summary>The transaction failed before it was committed. Nothing was written.</summary>
    NotCommitted,

    /// <summary>Planning the batch threw: a bug, not a storage fault. Nothing of this batch was written.</summary>
    Faulted,

    /// <summary>The commit itself failed: it may or may not have become durable. Only a reload can tell.</summary>
    Unknown,
}

public sealed record CommitResult(CommitStatus Status, StoreDraft? Draft = null);

/// <summary>
/// Where a store's rows live. Loading reads the whole store once, at activation; a commit writes only the rows a
/// batch changed, with the store's version checked and bumped in the same transaction.
/// </summary>
public interface IStoreStorage
{
    Task<StoreSnapshot> LoadAsync(Guid storeId, CancellationToken ct);

    Task<CommitResult> CommitAsync(StoreBatch batch);

    /// <summary>The allowed audit records an earlier request with this id committed to the store, if any.</summary>
    Task<IReadOnlyList<CommittedRecord>> FindCommittedAsync(Guid storeId, string requestId, DateTime notBefore, CancellationToken ct);

    /// <summary>The Idempotency-Keys of the store's newest keyed writes (at most <paramref name="limit"/>), newest first.</summary>
    Task<IReadOnlyList<RecentKey>> RecentKeysAsync(Guid storeId, int limit, CancellationToken ct);

    /// <summary>What an Idempotency-Key was used for since <paramref name="since"/>: its kept answer, else its committed change; null if unused.</summary>
    Task<KeyedRequest?> FindAnswerAsync(byte[] keyHash, DateTime since, CancellationToken ct);
}
