using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace SecretsStore.Grains.Storage;

/// <summary>
/// The silo's group commit. Store grains hand their batches here; one loop takes everything waiting and commits it
/// in one transaction: lock the accounts' quota rows and the stores' rows, plan each batch against its budget, write,
/// commit. While one transaction is in flight the next one fills, so the commit rate follows the load instead of
/// the disk's flush latency, and the silo needs one database connection for all its writes.
/// </summary>
public sealed class CommitWriter : IAsyncDisposable
{
    private readonly Channel<PendingCommit> _queue = Channel.CreateUnbounded<PendingCommit>(new UnboundedChannelOptions { SingleReader = true });
    private readonly NpgsqlDataSource _db;
    private readonly IOptions<SecretsStoreOptions> _options;
    private readonly ILogger<CommitWriter> _logger;
    private readonly Task _loop;

    public CommitWriter(NpgsqlDataSource db, IOptions<SecretsStoreOptions> options, ILogger<CommitWriter> logger)
    {
        _db = db;
        _options = options;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Commits the batch together with whatever else is waiting; never throws.</summary>
    public Task<CommitResult> CommitAsync(StoreBatch batch)
    {
        var pending = new PendingCommit(batch);
        return _queue.Writer.TryWrite(pending) ? pending.Result : Task.FromResult(new CommitResult(CommitStatus.NotCommitted));
    }

    /// <summary>Commits what is already queued, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    private async Task RunAsync()
    {
        var carried = new List<PendingCommit>();
        while (carried.Count > 0 || await _queue.Reader.WaitToReadAsync())
        {
            var round = new List<PendingCommit>();
            var stores = new HashSet<Guid>();
            var waiting = carried;
            carried = [];
            foreach (var pending in waiting.Concat(Drain()))
            {
                // A store has one batch in flight at a time; a second one (only a stale duplicate activation could
                // send it) waits for the next transaction rather than racing the first for the same row.
                if (round.Count < _options.Value.Storage.MaxStoresPerCommit && stores.Add(pending.Batch.Store.StoreId))
                {
                    round.Add(pending);
                }
                else
                {
                    carried.Add(pending);
                }
            }

            if (round.Count > 0)
            {
                await CommitRoundAsync(round);
            }
        }
    }

    private IEnumerable<PendingCommit> Drain()
    {
        var limit = _options.Value.Storage.MaxStoresPerCommit;
        for (var taken = 0; taken < limit && _queue.Reader.TryRead(out var pending); taken++)
        {
            yield return pending;
        }
    }

    private async Task CommitRoundAsync(List<PendingCommit> round)
    {
        var planned = new List<(PendingCommit Pending, StoreDraft Draft)>();
        var committing = false;
        try
        {
            await using var connection = await _db.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            var accounts = round.Select(p => p.Batch.Store.Row?.AccountId).OfType<Guid>().Distinct().ToArray();
            var locked = await CommitSql.LockAsync(
                connection, transaction, round.Select(p => p.Batch.Store.StoreId).ToArray(), accounts, _options.Value.Quota.Secrets);

            foreach (var pending in round)
            {
                if (Plan(pending, locked) is { } draft)
                {
                    planned.Add((pending, draft));
                }
            }

            await CommitSql.WriteAsync(connection, transaction, planned.Select(p => p.Draft).ToList());
            committing = true;
            await transaction.CommitAsync();
            foreach (var (pending, draft) in planned)
            {
                pending.Finish(new CommitResult(CommitStatus.Committed, draft));
            }
        }
        catch (Exception ex)
        {
            var status = committing ? CommitStatus.Unknown : CommitStatus.NotCommitted;
            if (committing)
            {
                _logger.LogWarning(ex, "The commit of {Stores} stores failed while committing; whether it landed is unknown, so their grains will reload", round.Count);
            }
            else
            {
                _logger.LogWarning(ex, "A commit of {Stores} stores failed; nothing was written", round.Count);
            }

            foreach (var pending in round)
            {
                pending.Finish(new CommitResult(status));
            }
        }
    }

    /// <summary>The batch's draft, or null when it was answered already (fenced, or its plan failed).</summary>
    private StoreDraft? Plan(PendingCommit pending, CommitSql.Locked locked)
    {
        var store = pending.Batch.Store;
        var stored = locked.Versions.TryGetValue(store.StoreId, out var version) ? version : (long?)null;
        if (stored != store.Row?.Version)
        {
            pending.Finish(new CommitResult(CommitStatus.Fenced));
            return null;
        }

        // A store that was never created has no quota row to take from; its commands refuse before they would.
        var budget = store.Row is { } row ? locked.Budgets[row.AccountId] : new QuotaBudget(0, 0);
        try
        {
            return pending.Batch.Plan(budget);
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Planning a batch of store {StoreId} failed", store.StoreId);
            pending.Finish(new CommitResult(CommitStatus.Faulted));
            return null;
        }
    }

    private sealed class PendingCommit(StoreBatch batch)
    {
        private readonly TaskCompletionSource<CommitResult> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public StoreBatch Batch => batch;

        public Task<CommitResult> Result => _result.Task;

        /// <summary>The first answer stands: a fenced batch stays fenced when the rest of its transaction fails.</summary>
        public void Finish(CommitResult result) => _result.TrySetResult(result);
    }
}
