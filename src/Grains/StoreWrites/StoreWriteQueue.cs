using Microsoft.Extensions.Logging;
using SecretsStore.Grains.Abstractions;
using SecretsStore.Persistence.Audit;

namespace SecretsStore.Grains.StoreWrites;

/// <summary>
/// A store's writes on their way to storage. One batch is in flight at a time; requests that arrive meanwhile wait
/// and go together in the next one, so a busy store commits many requests per round trip. Each command keeps its own
/// answer: the batch is planned in order, and every answer waits for the commit.
/// </summary>
/// <remarks>Used only from its grain's turns, so it needs no locks; the grain must be reentrant for batches to fill.</remarks>
public sealed class StoreWriteQueue(IStoreStorage storage, int maxPerCommit, ILogger logger)
{
    /// <summary>
    /// How long before the gateway admitted a request its first run may have been stamped: room for the clocks of a
    /// gateway and a silo to differ.
    /// </summary>
    private static readonly TimeSpan FirstRunWindow = TimeSpan.FromMinutes(1);

    private readonly List<StoreCommand> _waiting = [];
    private List<StoreCommand> _committing = [];
    private StoreSnapshot _store = null!;
    private bool _draining;
    private bool _lostTrack;

    /// <summary>Set when this activation can no longer trust its snapshot: it must be deactivated and reloaded.</summary>
    public event Action? LostTrack;

    /// <summary>
    /// Raised once a commit deleted the store. Its grain then has nothing left to serve, and deactivating it (once
    /// idle: a value read committed before the delete may still be opening its value) lets <see cref="Unload"/> zero the key.
    /// </summary>
    public event Action? StoreDeleted;

    public StoreSnapshot Store => _store;

    /// <summary>Serves <paramref name="store"/> from now on; a snapshot it replaces has its data key zeroed.</summary>
    public void Load(StoreSnapshot store)
    {
        var replaced = _store;
        _store = store;
        if (replaced is not null && !ReferenceEquals(replaced, store))
        {
            replaced.Dispose();
        }
    }

    /// <summary>The activation is going: zero the data key it unwrapped.</summary>
    public void Unload() => _store?.Dispose();

    public Task<Outcome<T>> SubmitAsync<T>(StoreCommand<T> command)
    {
        if (_lostTrack)
        {
            command.Fail(new StorageUnavailableException());
            return command.Answer;
        }

        _waiting.Add(command);
        if (!_draining)
        {
            _ = DrainAsync();
        }

        return command.Answer;
    }

    /// <summary>
    /// Submits a write, unless it repeats a request whose first run already committed (see <c>[AnsweredOnce]</c>):
    /// then the answer is rebuilt from what that run left, and nothing runs twice. The snapshot includes the first
    /// run's changes: an activation loads after the commits before it, and a commit it did not see would fence this one's.
    /// </summary>
    public Task<Outcome<T>> SubmitOnceAsync<T>(
        AuditedCall audit, StoreCommand<T> command, Func<IReadOnlyList<CommittedRecord>, Outcome<T>> answerOfFirstRun) =>
        audit.Repeats
            ? SubmitRepeatAsync(audit, command, answerOfFirstRun)
            : SubmitAsync(command);

    private async Task<Outcome<T>> SubmitRepeatAsync<T>(
        AuditedCall audit, StoreCommand<T> command, Func<IReadOnlyList<CommittedRecord>, Outcome<T>> answerOfFirstRun)
    {
        // A first run still held here was late, not lost (its answer outlasted a gateway's response timeout): it
        // settles before the trail is searched, or the repeat would miss its commit and run a second time.
        var held = _committing.Concat(_waiting).Where(c => c.RequestId == audit.RequestId).Select(c => c.Settled).ToList();
        await Task.WhenAll(held).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        var firstRun = await StorageFaults.GuardAsync(
            () => storage.FindCommittedAsync(_store.StoreId, audit.RequestId, audit.Request!.At - FirstRunWindow, CancellationToken.None), logger);
        if (firstRun.Count == 0)
        {
            return await SubmitAsync(command);
        }

        logger.LogInformation("Store {StoreId}: a repeated request was answered from its first run", _store.StoreId);
        return answerOfFirstRun(firstRun);
    }

    private async Task DrainAsync()
    {
        _draining = true;
        List<StoreCommand> batch = [];
        try
        {
            while (_waiting.Count > 0)
            {
                batch = _waiting.Take(maxPerCommit).ToList();
                _waiting.RemoveRange(0, batch.Count);
                _committing = batch;
                var result = await storage.CommitAsync(new StoreBatch(_store, batch));
                Finish(batch, result);
            }
        }
        catch (Exception ex)
        {
            // A bug: storage answers how a commit ended rather than throwing. Whether the batch landed, and so whether
            // the snapshot is still what storage holds, is unknown: answer everyone and let the next activation reload.
            logger.LogError(ex, "The write queue of store {StoreId} failed", _store.StoreId);
            _lostTrack = true;
            FailAll(batch, new InvalidOperationException("internal_error"));
            FailAll(_waiting, new InvalidOperationException("internal_error"));
            LostTrack?.Invoke();
        }
        finally
        {
            _draining = false;
            _committing = [];
        }
    }

    private void Finish(List<StoreCommand> batch, CommitResult result)
    {
        switch (result.Status)
        {
            case CommitStatus.Committed:
                _store.Apply(result.Draft!);
                batch.ForEach(c => c.Complete());
                if (result.Draft!.StoreDeleted)
                {
                    StoreDeleted?.Invoke();
                }

                break;
            case CommitStatus.NotCommitted:
                // Storage is as it was before the batch, and so is the snapshot: nothing to undo.
                FailAll(batch, new StorageUnavailableException());
                break;
            case CommitStatus.Faulted:
                FailAll(batch, new InvalidOperationException("internal_error"));
                break;
            default:
                // Fenced (another activation wrote) or unknown (the commit may have landed): the snapshot may no
                // longer be what storage holds. Answer everything waiting and let the next activation read the truth.
                if (result.Status == CommitStatus.Unknown)
                {
                    logger.LogWarning("Store {StoreId}: a commit's outcome is unknown; reloading the store", _store.StoreId);
                }
                else
                {
                    logger.LogWarning("Store {StoreId} was written by another activation; reloading the store", _store.StoreId);
                }

                _lostTrack = true;
                FailAll(batch, new StorageUnavailableException());
                FailAll(_waiting, new StorageUnavailableException());
                LostTrack?.Invoke();
                break;
        }
    }

    private static void FailAll(List<StoreCommand> commands, Exception fault)
    {
        commands.ForEach(c => c.Fail(fault));
        commands.Clear();
    }
}
