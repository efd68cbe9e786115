using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SecretsStore.Grains.Telemetry;
using SecretsStore.Persistence.Stores;

namespace SecretsStore.Grains.StoreWrites;

/// <summary>
/// The silo's group commit. Store grains hand their batches here; one loop takes everything waiting and commits it
/// together, usually in one round trip (see <see cref="CommitRoundAsync"/>). While one commit is in flight the next
/// one fills, so the commit rate follows the load instead of the disk's flush latency, and the silo needs one
/// database connection for all its writes.
/// </summary>
public sealed class CommitWriter : IAsyncDisposable
{
    private readonly Channel<PendingCommit> _queue = Channel.CreateUnbounded<PendingCommit>(new UnboundedChannelOptions { SingleReader = true });
    private readonly StoreCommits _commits;
    private readonly IOptions<SecretsStoreOptions> _options;
    private readonly ILogger<CommitWriter> _logger;
    private readonly SecretsStoreMetrics? _metrics;
    private readonly Task _loop;

    public CommitWriter(StoreCommits commits, IOptions<SecretsStoreOptions> options, ILogger<CommitWriter> logger, SecretsStoreMetrics? metrics = null)
    {
        _commits = commits;
        _options = options;
        _logger = logger;
        _metrics = metrics;
        // The loop outlives whichever request first needed this writer: it must not run inside that request's trace.
        using (ExecutionContext.SuppressFlow())
        {
            _loop = Task.Run(RunAsync);
        }
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
                await CommitMeasuredAsync(round);
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

    /// <summary>
    /// One round with its span and its metrics. The span belongs to the trace of the round's first request and links
    /// the others, so a request's trace shows the commit (and its SQL) that made it durable.
    /// </summary>
    private async Task CommitMeasuredAsync(List<PendingCommit> round)
    {
        var requests = round.Sum(p => p.Batch.Commands.Count);
        using var span = SecretsStoreActivities.Source.HasListeners() ? StartSpan(round, requests) : null;
        var started = Stopwatch.GetTimestamp();
        var status = await CommitRoundAsync(round);
        _metrics?.Commit(Stopwatch.GetElapsedTime(started), requests, status switch
        {
            CommitStatus.Committed => true,
            CommitStatus.Unknown => null,
            _ => false,
        });
        span?.SetTag("secretsstore.commit.outcome", status.ToString());
        if (status is not CommitStatus.Committed)
        {
            span?.SetStatus(ActivityStatusCode.Error);
        }
    }

    private static Activity? StartSpan(List<PendingCommit> round, int requests)
    {
        var traces = round.SelectMany(p => p.Batch.Commands).Select(c => c.TraceContext).Where(t => t != default).Distinct().ToList();
        var span = SecretsStoreActivities.Source.StartActivity(
            "secretsstore.storage.commit", ActivityKind.Internal, traces.FirstOrDefault(), links: traces.Skip(1).Select(t => new ActivityLink(t)));
        span?.SetTag("secretsstore.commit.requests", requests);
        span?.SetTag("secretsstore.commit.stores", round.Count);
        return span;
    }

    /// <summary>
    /// First as if no account were near its limit and no Idempotency-Key had an answer yet, in one round trip: the
    /// guards roll that back if a store moved on, an account would go over its limit or a key was used within its
    /// window, and then the careful path decides each batch under locks, answering such keys from what they kept.
    /// </summary>
    /// <returns>How the round ended (<see cref="CommitStatus.Committed"/> also when some batches were fenced or faulted).</returns>
    private async Task<CommitStatus> CommitRoundAsync(List<PendingCommit> round)
    {
        var planned = PlanAll(round, _ => QuotaBudget.Unlimited(), new KeysInRound());
        var status = planned.Any(p => p.Draft.HasWork) ? await CommitInOneRoundTripAsync(planned) : CommitStatus.Committed;
        if (status is not { } decided)
        {
            return await CommitCarefullyAsync(round);
        }

        foreach (var (pending, draft) in planned)
        {
            Finish(pending, decided, draft);
        }

        return decided;
    }

    private void Finish(PendingCommit pending, CommitStatus status, StoreDraft draft)
    {
        if (status != CommitStatus.Committed)
        {
            pending.Finish(new CommitResult(status));
            return;
        }

        _metrics?.CountCommitted(draft);
        pending.Finish(new CommitResult(status, draft));
    }

    /// <returns>Null when a guard failed and nothing was written.</returns>
    private async Task<CommitStatus?> CommitInOneRoundTripAsync(List<(PendingCommit Pending, StoreDraft Draft)> planned)
    {
        try
        {
            return await _commits.TryCommitInOneRoundTripAsync(planned.Select(p => p.Draft).ToList(), _options.Value.Quota.Secrets)
                ? CommitStatus.Committed
                : null;
        }
        catch (Exception ex)
        {
            return Failed(ex, planned.Select(p => p.Pending).ToList());
        }
    }

    /// <summary>
    /// Locks the round's accounts and stores, answers the fenced batches, plans the others under the locks, writes
    /// and commits: storage holds the transaction, and the planning stays here.
    /// </summary>
    private async Task<CommitStatus> CommitCarefullyAsync(List<PendingCommit> round)
    {
        List<(PendingCommit Pending, StoreDraft Draft)> planned;
        try
        {
            planned = await PlanAndCommitCarefullyAsync(round);
        }
        catch (Exception ex)
        {
            var status = Failed(ex, round);
            foreach (var pending in round)
            {
                pending.Finish(new CommitResult(status));
            }

            return status;
        }

        foreach (var (pending, draft) in planned)
        {
            Finish(pending, CommitStatus.Committed, draft);
        }

        return CommitStatus.Committed;
    }

    private async Task<List<(PendingCommit Pending, StoreDraft Draft)>> PlanAndCommitCarefullyAsync(List<PendingCommit> round)
    {
        var stores = round.Select(p => p.Batch.Store.StoreId).ToArray();
        var accounts = round.Select(p => p.Batch.Store.Row?.AccountId).OfType<Guid>().Distinct().ToArray();
        var keys = round.SelectMany(p => p.Batch.Commands).Select(c => c.Keyed).OfType<KeyedWrite>().Select(k => (k.KeyHash, k.Since)).ToList();
        await using var session = await _commits.BeginCarefulCommitAsync(stores, accounts, _options.Value.Quota.Secrets, keys);
        var locked = session.Locked;
        var planned = PlanAll(round.Where(p => !IsFenced(p, locked)).ToList(), row => locked.Budgets[row.AccountId], new KeysInRound(locked.Answers));
        await session.CommitAsync(planned.Select(p => p.Draft).ToList());
        return planned;
    }

    /// <summary>How a commit that threw ended: in doubt, or with nothing written.</summary>
    private CommitStatus Failed(Exception failure, List<PendingCommit> round)
    {
        var requests = round.Sum(p => p.Batch.Commands.Count);
        if (failure is CommitInDoubtException)
        {
            _logger.LogWarning(failure.InnerException, "A commit of {Requests} requests in {Stores} stores failed after it was sent; whether it landed is unknown, so their grains will reload", requests, round.Count);
            return CommitStatus.Unknown;
        }

        _logger.LogWarning(failure, "A commit of {Requests} requests in {Stores} stores failed; nothing was written", requests, round.Count);
        return CommitStatus.NotCommitted;
    }

    /// <summary>A store whose row is not at the snapshot's version was written by another activation: it is answered now.</summary>
    private static bool IsFenced(PendingCommit pending, LockedRows locked)
    {
        var store = pending.Batch.Store;
        var stored = locked.Versions.TryGetValue(store.StoreId, out var version) ? version : (long?)null;
        if (stored == store.Row?.Version)
        {
            return false;
        }

        pending.Finish(new CommitResult(CommitStatus.Fenced));
        return true;
    }

    /// <summary>
    /// Plans each batch against its account's budget and the round's Idempotency-Keys; a batch whose plan throws is
    /// answered now.
    /// </summary>
    private List<(PendingCommit Pending, StoreDraft Draft)> PlanAll(IEnumerable<PendingCommit> round, Func<StoreRow, QuotaBudget> budget, KeysInRound keys)
    {
        var planned = new List<(PendingCommit, StoreDraft)>();
        foreach (var pending in round)
        {
            // A store that was never created has no quota row to take from; its commands refuse before they would.
            var store = pending.Batch.Store;
            try
            {
                planned.Add((pending, pending.Batch.Plan(store.Row is { } row ? budget(row) : new QuotaBudget(0, 0), keys)));
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Planning a batch of store {StoreId} failed", store.StoreId);
                pending.Finish(new CommitResult(CommitStatus.Faulted));
            }
        }

        return planned;
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
