using Microsoft.Extensions.Logging;
using SecretsStore.Grains.Abstractions;
using SecretsStore.Persistence.Audit;

namespace SecretsStore.Grains.StoreWrites;

/// <summary>
/// A store grain's keyed writes (docs/api.md, "Idempotency-Key"). The grain already serialises its store's writes, so
/// it decides them without the gateway's lease and look-up: a key with a write of this store still queued or committing
/// is answered 409 in use at once; a key this store used lately (its memory) is looked up and answered from its kept
/// answer; any other key goes straight to the group commit, which keeps the sealed answer in the change's own
/// transaction. A key used elsewhere (another store, the gateway's routes) is caught there, by the table's unique key,
/// and answered from what the table holds (<see cref="KeyedWrite.AnswerInRound{T}"/>): the memory saves that detour and
/// is a hint, never the truth, so it is bounded (<see cref="Remembered"/>) and reloaded at activation.
/// </summary>
/// <remarks>Used only from its grain's turns, so it needs no locks.</remarks>
public sealed class KeyedWrites(IStoreStorage storage, ILogger logger)
{
    /// <summary>How many of its newest keys a store remembers (about 100 bytes each).</summary>
    public const int Remembered = 10_000;

    private const int MinimumSweep = 256;

    private readonly Dictionary<string, Task> _running = new(StringComparer.Ordinal);
    private readonly HashSet<string> _recent = new(StringComparer.Ordinal);
    private readonly Queue<string> _oldestFirst = new();
    private int _sweepAt = MinimumSweep;

    /// <summary>Learns the keys the store's recent writes used (newest first, as storage lists them).</summary>
    public void Load(IReadOnlyList<RecentKey> keys)
    {
        foreach (var key in keys.Reverse())
        {
            Remember(Convert.ToHexString(key.KeyHash));
        }
    }

    /// <summary>Whether the store remembers the key (for tests and logs: it is a hint either way).</summary>
    public bool Remembers(byte[] keyHash) => _recent.Contains(Convert.ToHexString(keyHash));

    /// <summary>
    /// The call, keyed when the gateway sent it as a keyed store write (both the request's hashes and the answer's key
    /// in the request context); as it came otherwise.
    /// </summary>
    public static AuditedCall Keyed(AuditedCall audit) =>
        audit.Idempotency is { } request && KeyedStoreWrite.Current is { } write
            ? audit with { Keyed = new KeyedWrite(request, write, audit.At) }
            : audit;

    /// <summary>Runs <paramref name="submit"/> for a keyed call unless its key decides the answer first.</summary>
    /// <remarks>
    /// A new key adds no turn of its own: the write's task is handed back as it is, and only remembered (in flight, and
    /// among the store's keys). One store takes all its writes' answers on one activation, so a continuation per keyed
    /// write would be paid in the store's turns. A key remembered for a write that then failed costs its repeat a
    /// look-up that finds nothing; it still runs.
    /// </remarks>
    public Task<Outcome<T>> SubmitAsync<T>(KeyedWrite keyed, Func<Task<Outcome<T>>> submit)
    {
        if (_running.TryGetValue(keyed.Key, out var running) && !running.IsCompleted)
        {
            return Task.FromResult(new Outcome<T>(default, KeyedWriteErrors.KeyInUse()));
        }

        var answer = _recent.Contains(keyed.Key) ? AnswerKnownOrSubmitAsync(keyed, submit) : submit();
        Remember(keyed.Key);
        if (!answer.IsCompleted)
        {
            Run(keyed.Key, answer);
        }

        return answer;
    }

    private async Task<Outcome<T>> AnswerKnownOrSubmitAsync<T>(KeyedWrite keyed, Func<Task<Outcome<T>>> submit) =>
        await AnswerKnownAsync<T>(keyed) ?? await submit();

    /// <summary>Holds the key as in flight until its write is answered; answered ones are dropped as the map grows.</summary>
    private void Run(string key, Task answer)
    {
        if (_running.Count >= _sweepAt)
        {
            foreach (var done in _running.Where(r => r.Value.IsCompleted).Select(r => r.Key).ToList())
            {
                _running.Remove(done);
            }

            _sweepAt = Math.Max(MinimumSweep, _running.Count * 2);
        }

        _running[key] = answer;
    }

    /// <summary>
    /// The answer kept for a key this store remembers; null when there is none within the key's window (it passed, or
    /// the row was pruned): the key is free again, and the write runs.
    /// </summary>
    private async Task<Outcome<T>?> AnswerKnownAsync<T>(KeyedWrite keyed)
    {
        var earlier = await StorageFaults.GuardAsync(() => storage.FindAnswerAsync(keyed.KeyHash, keyed.Since, CancellationToken.None), logger);
        return earlier is null ? null : keyed.AnswerFrom<T>(earlier);
    }

    private void Remember(string key)
    {
        if (_recent.Add(key))
        {
            _oldestFirst.Enqueue(key);
        }

        while (_recent.Count > Remembered && _oldestFirst.TryDequeue(out var oldest))
        {
            _recent.Remove(oldest);
        }
    }
}
