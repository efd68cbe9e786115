using SecretsStore.Grains.Crypto;
using SecretsStore.Grains.StoreWrites;
using SecretsStore.Persistence.Audit;
using SecretsStore.Persistence.Stores;

namespace SecretsStore.UnitTests.StoreWrites;

/// <summary>
/// Store storage in memory that keeps the rules of the real one (a commit is planned against its batch's snapshot,
/// fenced when the stored version moved on, written whole with its audit records or not at all) and fails on demand,
/// as the database and the network can: before the commit, in doubt after it (landed or not), or with a plan that
/// throws. Commits can be held, so that requests pile up behind one in flight as they do behind a slow disk. Keyed
/// writes' answers are kept with their commits, one per key as the table's unique key has it, and a batch is planned
/// against the answers its keys already have, as the careful path plans after the key guard rolled a round back.
/// </summary>
public sealed class InMemoryStoreStorage(ValueCipher cipher) : IStoreStorage
{
    private readonly Dictionary<Guid, Stored> _stores = [];
    private readonly List<AuditRecord> _trail = [];
    private readonly Queue<Fault> _faults = new();
    private readonly List<StoreBatch> _batches = [];
    private readonly Dictionary<string, (Guid StoreId, KeptAnswer Answer)> _answers = new(StringComparer.Ordinal);
    private TaskCompletionSource? _held;

    /// <summary>What the next commits do instead of committing, in order.</summary>
    public enum Fault
    {
        /// <summary>The transaction fails before COMMIT: nothing is written.</summary>
        NotCommitted,

        /// <summary>The COMMIT's answer is lost and it did land.</summary>
        InDoubtLanded,

        /// <summary>The COMMIT's answer is lost and it did not land.</summary>
        InDoubtLost,

        /// <summary>The storage call itself throws, which the real one never does.</summary>
        Throws,
    }

    /// <summary>Every batch asked to commit, in order.</summary>
    public IReadOnlyList<StoreBatch> Batches => _batches;

    /// <summary>The audit records that are durable.</summary>
    public IReadOnlyList<AuditRecord> Trail => _trail;

    /// <summary>The Idempotency-Keys' kept answers, by key hash (hex), with the store that kept each.</summary>
    public IReadOnlyDictionary<string, (Guid StoreId, KeptAnswer Answer)> Answers => _answers;

    /// <summary>How many times a kept answer was looked up outside a commit (a store's memory of a key sent it there).</summary>
    public int AnswerLookups { get; private set; }

    /// <summary>When set, looking up a first run fails as a timed-out query does.</summary>
    public bool LookupsFail { get; set; }

    /// <summary>Stores <paramref name="store"/>'s rows as they are.</summary>
    public void Put(StoreSnapshot store) => _stores[store.StoreId] = new Stored(store.Row!, store.Secrets.ToDictionary(s => s.Id));

    public void FailNext(params Fault[] faults)
    {
        foreach (var fault in faults)
        {
            _faults.Enqueue(fault);
        }
    }

    /// <summary>Holds every commit until the returned source is completed.</summary>
    public TaskCompletionSource Hold() => _held = new TaskCompletionSource();

    public long VersionOf(Guid storeId) => _stores[storeId].Row.Version;

    /// <summary>As the real storage loads: the rows, and the data key of a live store under the cipher.</summary>
    public Task<StoreSnapshot> LoadAsync(Guid storeId, CancellationToken ct) =>
        Task.FromResult(_stores.TryGetValue(storeId, out var stored)
            ? new StoreSnapshot(
                storeId, stored.Row, stored.Secrets.Values.ToList(),
                stored.Row is { Deleted: false, DataKey: { } key } ? new StoreKeys(cipher, stored.Row.AccountId, storeId, key) : null)
            : new StoreSnapshot(storeId, null, [], null));

    public async Task<CommitResult> CommitAsync(StoreBatch batch)
    {
        _batches.Add(batch);
        if (_held is { } held)
        {
            await held.Task;
        }

        var fault = _faults.TryDequeue(out var next) ? next : (Fault?)null;
        if (fault == Fault.Throws)
        {
            throw new InvalidOperationException("storage broke its contract");
        }

        var stored = _stores.GetValueOrDefault(batch.Store.StoreId);
        if (stored?.Row.Version != batch.Store.Row?.Version)
        {
            return new CommitResult(CommitStatus.Fenced);
        }

        StoreDraft draft;
        try
        {
            draft = batch.Plan(QuotaBudget.Unlimited(), KeysOf(batch));
        }
        catch (Exception)
        {
            // As the commit writer does: a plan that throws is a bug, and its batch is answered as faulted.
            return new CommitResult(CommitStatus.Faulted);
        }

        switch (fault)
        {
            case Fault.NotCommitted:
                return new CommitResult(CommitStatus.NotCommitted);
            case Fault.InDoubtLost:
                return new CommitResult(CommitStatus.Unknown);
            case Fault.InDoubtLanded:
                Write(draft);
                return new CommitResult(CommitStatus.Unknown);
            default:
                Write(draft);
                return new CommitResult(CommitStatus.Committed, draft);
        }
    }

    public Task<IReadOnlyList<CommittedRecord>> FindCommittedAsync(Guid storeId, string requestId, DateTime notBefore, CancellationToken ct)
    {
        if (LookupsFail)
        {
            return Task.FromException<IReadOnlyList<CommittedRecord>>(new TimeoutException("the lookup timed out"));
        }

        IReadOnlyList<CommittedRecord> found = _trail
            .Where(r => r.StoreId == storeId && r.RequestId == requestId && r.IsAllowed && r.At >= notBefore)
            .Select(r => new CommittedRecord(r.Status, r.SecretId))
            .ToList();
        return Task.FromResult(found);
    }

    public Task<IReadOnlyList<RecentKey>> RecentKeysAsync(Guid storeId, int limit, CancellationToken ct)
    {
        IReadOnlyList<RecentKey> keys = _answers.Values
            .Where(a => a.StoreId == storeId)
            .OrderByDescending(a => a.Answer.At)
            .Take(limit)
            .Select(a => new RecentKey(a.Answer.KeyHash, a.Answer.At))
            .ToList();
        return Task.FromResult(keys);
    }

    public Task<KeyedRequest?> FindAnswerAsync(byte[] keyHash, DateTime since, CancellationToken ct)
    {
        AnswerLookups++;
        if (_answers.TryGetValue(Convert.ToHexString(keyHash), out var kept) && kept.Answer.At >= since)
        {
            return Task.FromResult<KeyedRequest?>(new KeyedRequest(kept.Answer.RequestHash, kept.Answer.Sealed, null, AnswerFormat.StoreOutcome));
        }

        var committed = _trail.FirstOrDefault(r => r.IsAllowed && r.At >= since && r.Idempotency?.KeyHash.AsSpan().SequenceEqual(keyHash) == true);
        return Task.FromResult(committed is null ? null : new KeyedRequest(committed.Idempotency!.RequestHash, null, committed.RequestId));
    }

    /// <summary>Loses a key's kept answer, as a manual delete would; the trail still holds its change's records.</summary>
    public void ForgetAnswer(byte[] keyHash) => _answers.Remove(Convert.ToHexString(keyHash));

    /// <summary>The answers the batch's keys already have within their windows.</summary>
    private KeysInRound KeysOf(StoreBatch batch)
    {
        var found = new Dictionary<string, KeyedRequest>(StringComparer.Ordinal);
        foreach (var keyed in batch.Commands.Select(c => c.Keyed).OfType<KeyedWrite>())
        {
            if (_answers.TryGetValue(keyed.Key, out var kept) && kept.Answer.At >= keyed.Since)
            {
                found[keyed.Key] = new KeyedRequest(kept.Answer.RequestHash, kept.Answer.Sealed, null, AnswerFormat.StoreOutcome);
            }
        }

        return new KeysInRound(found);
    }

    private void Write(StoreDraft draft)
    {
        _trail.AddRange(draft.Audit);
        foreach (var answer in draft.Answers)
        {
            _answers[Convert.ToHexString(answer.KeyHash)] = (draft.Committed.StoreId, answer);
        }

        if (!draft.HasChanges)
        {
            return;
        }

        var stored = _stores[draft.Committed.StoreId];
        var secrets = new Dictionary<Guid, SecretRecord>(stored.Secrets);
        if (draft.StoreDeleted)
        {
            secrets.Clear();
        }

        foreach (var (id, secret) in draft.Changes)
        {
            if (secret is null)
            {
                secrets.Remove(id);
            }
            else
            {
                secrets[id] = secret;
            }
        }

        var row = draft.StoreDeleted
            ? stored.Row with { Version = stored.Row.Version + 1, Deleted = true, DataKey = null }
            : stored.Row with { Version = stored.Row.Version + 1 };
        _stores[draft.Committed.StoreId] = stored with { Row = row, Secrets = secrets };
    }

    private sealed record Stored(StoreRow Row, Dictionary<Guid, SecretRecord> Secrets);
}
