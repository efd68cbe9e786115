using SecretsStore.Persistence.Audit;
using SecretsStore.Persistence.Stores;

namespace SecretsStore.Grains.StoreWrites;

/// <summary>
/// The changes of one commit, laid over a store's snapshot. The commands of a batch run against it in order, so
/// each one sees what the earlier ones did; nothing here touches the snapshot until the commit is durable. The commit
/// writes it as it is (<see cref="IStoreChanges"/>).
/// </summary>
/// <param name="keys">The round's Idempotency-Keys, shared by every store of the round; a round of its own when absent.</param>
public sealed class StoreDraft(StoreSnapshot committed, QuotaBudget quota, KeysInRound? keys = null) : IStoreChanges
{
    private readonly Dictionary<Guid, SecretRecord?> _changes = [];
    private readonly Dictionary<string, Guid?> _names = new(StringComparer.Ordinal);
    private readonly List<AuditRecord> _audit = [];
    private List<KeptAnswer>? _answers;

    public StoreSnapshot Committed => committed;

    public KeysInRound Keys { get; } = keys ?? new KeysInRound();

    /// <summary>The sealed answers of the draft's keyed writes; they commit with the changes or not at all.</summary>
    public IReadOnlyList<KeptAnswer> Answers => (IReadOnlyList<KeptAnswer>?)_answers ?? [];

    Guid IStoreChanges.StoreId => committed.StoreId;

    long IStoreChanges.PlannedVersion => committed.Row!.Version;

    Guid IStoreChanges.AccountId => committed.Row!.AccountId;

    public bool IsLive => committed.IsLive && !StoreDeleted;

    public bool StoreDeleted { get; private set; }

    /// <summary>Secret changes by id: the new record, or null for a removed secret.</summary>
    public IReadOnlyDictionary<Guid, SecretRecord?> Changes => _changes;

    public bool HasChanges => StoreDeleted || _changes.Count > 0;

    /// <summary>The audit records of this draft's commands, allowed and refused; they commit with the changes or not at all.</summary>
    public IReadOnlyList<AuditRecord> Audit => _audit;

    /// <summary>Something to write: changes, or only audit records (refusals, value reads).</summary>
    public bool HasWork => HasChanges || _audit.Count > 0;

    // Only a removed secret that is stored has a row to delete; one added and removed in the same commit has none.
    IEnumerable<Guid> IStoreChanges.RemovedSecrets => _changes.Where(c => c.Value is null && committed.Find(c.Key) is not null).Select(c => c.Key);

    IEnumerable<SecretRecord> IStoreChanges.UpsertedSecrets => _changes.Values.OfType<SecretRecord>();

    /// <summary>How the store's secret count changes if this draft commits.</summary>
    public int CountDelta { get; private set; }

    public int Count => committed.Count + CountDelta;

    public SecretRecord? Find(Guid id)
    {
        if (_changes.TryGetValue(id, out var changed))
        {
            return changed;
        }

        return StoreDeleted ? null : committed.Find(id);
    }

    /// <summary>By name, as <see cref="Find"/> has it: a stored secret replaced earlier in the batch is found as replaced.</summary>
    public SecretRecord? FindByName(string name) =>
        _names.TryGetValue(name, out var owner) ? (owner is { } id ? Find(id) : null)
        : StoreDeleted ? null : committed.FindByName(name) is { } stored ? Find(stored.Id) : null;

    public bool HasName(string name) =>
        _names.TryGetValue(name, out var owner) ? owner is not null : !StoreDeleted && committed.HasName(name);

    public void Record(AuditRecord record) => _audit.Add(record);

    public void Keep(KeptAnswer answer) => (_answers ??= []).Add(answer);

    /// <summary>Takes room for <paramref name="count"/> more secrets in the account, or answers the refusal with the limit and usage.</summary>
    public Abstractions.StoreError? Reserve(int count, Guid accountId) =>
        quota.TryTake(count) ? null : Abstractions.Errors.MaximumSecretsExceeded(accountId, quota.Limit, quota.Used, count);

    public void Add(SecretRecord secret)
    {
        _changes[secret.Id] = secret;
        _names[secret.Name] = secret.Id;
        CountDelta++;
    }

    /// <summary>Replaces an existing secret (same id, same name).</summary>
    public void Replace(SecretRecord secret) => _changes[secret.Id] = secret;

    public void Remove(SecretRecord secret)
    {
        _changes[secret.Id] = null;
        _names[secret.Name] = null;
        CountDelta--;
        quota.Give(1);
    }

    /// <summary>Deletes the store and every secret in it.</summary>
    public void DeleteStore()
    {
        quota.Give(Count);
        CountDelta = -committed.Count;
        _changes.Clear();
        _names.Clear();
        StoreDeleted = true;
    }
}
