using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SecretsStore.Grains.Crypto;
using SecretsStore.Persistence.Keys;

namespace SecretsStore.Grains.Keys;

/// <summary>
/// Runs on every silo and finishes rotations: whenever a retiring master key still wraps stores, it re-wraps them
/// under the current key. It looks at start (so a silo restarted mid-rotation resumes it), when this silo rotates,
/// and every <see cref="KeyRotationOptions.PollInterval"/> (so a rotation whose silo died is finished by another).
/// </summary>
/// <remarks>
/// Only one silo re-wraps at a time: the one holding a PostgreSQL advisory lock, taken in a transaction its session
/// keeps open beside its batches (<see cref="RewrapSession"/>; transaction-scoped, so it holds behind PgBouncer in
/// transaction mode). The database drops the lock with the transaction, so a silo that dies mid-rotation cannot hold
/// it; a single grain would need a reminder (or another poller) to be revived after its silo died, and Orleans
/// allows a duplicate activation for a moment after a silo is lost. Correctness never rests on the lock: each batch
/// takes its rows locked and reads the current key under a share lock, so two re-wrappers would only repeat work.
/// </remarks>
public sealed class KeyRewrapService(
    MasterKeyCatalog catalog, KeyRewrapper rewrapper, MasterKeyRing ring, IOptions<SecretsStoreOptions> options, ILogger<KeyRewrapService> logger)
    : BackgroundService
{
    // Stores skipped because a commit held their row are usually free again within milliseconds.
    private static readonly TimeSpan LockedRowsRetry = TimeSpan.FromMilliseconds(200);
    private const int RetriesWithoutProgress = 25;

    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Looks for work now rather than at the next poll: a rotation on this silo just made a key current.</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var settings = options.Value.KeyRotation;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await RunAsync(settings, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A batch that failed wrote nothing; the next look starts again from what the database holds.
                logger.LogWarning(ex, "Re-wrapping stores under the current master key failed; trying again within {Interval}", settings.PollInterval);
            }

            await WaitAsync(settings.PollInterval, stopping);
        }
    }

    private async Task RunAsync(KeyRotationOptions settings, CancellationToken ct)
    {
        await using var session = await catalog.TryBeginRewrapAsync(ct);
        if (session is not null)
        {
            await RewrapAllAsync(session, settings, ct);
        }
    }

    private async Task RewrapAllAsync(RewrapSession session, KeyRotationOptions settings, CancellationToken ct)
    {
        var timer = Stopwatch.StartNew();
        var rewrapped = 0;
        var failed = new HashSet<Guid>();
        string? announced = null;
        for (var idle = 0; ; )
        {
            var batch = await rewrapper.RewrapBatchAsync(session, settings.BatchSize, failed, ct);
            if (batch.Current is { } current && current != announced)
            {
                logger.LogInformation("Re-wrapping stores' data keys under master key {Fingerprint}", current);
                announced = current;
            }

            rewrapped += batch.Rewrapped;
            foreach (var store in batch.Failed.Where(failed.Add))
            {
                logger.LogError("The data key of store {StoreId} does not open under its master key; it stays wrapped as it is", store);
            }

            if (batch.Rewrapped > 0 || batch.Failed.Count > 0)
            {
                idle = 0;
                if (settings.BatchPause > TimeSpan.Zero)
                {
                    await Task.Delay(settings.BatchPause, ct);
                }

                continue;
            }

            foreach (var key in await session.RetireEmptyKeysAsync(ct))
            {
                logger.LogInformation("Master key {Fingerprint} wraps no store any more: retired; it can be removed from configuration", key);
            }

            var left = (await session.RetiringAsync(ct)).Where(k => k.Stores > 0).ToList();
            if (left.Count == 0)
            {
                logger.LogInformation("Re-wrapped {Stores} stores under master key {Fingerprint} in {Elapsed}", rewrapped, announced, timer.Elapsed);
                return;
            }

            // Locked rows free up within moments; a key this silo lacks, or data keys that do not open, never do.
            if (left.All(k => !ring.Has(k.Fingerprint)) || ++idle > RetriesWithoutProgress)
            {
                logger.LogWarning(
                    "{Stores} stores are still wrapped by retiring master keys ({Keys}) that this silo could not re-wrap (a key it does not have, or a data key that does not open); trying again later",
                    left.Sum(k => k.Stores), string.Join(", ", left.Select(k => k.Fingerprint)));
                return;
            }

            await Task.Delay(LockedRowsRetry, ct);
        }
    }

    private async Task WaitAsync(TimeSpan interval, CancellationToken stopping)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(interval);
        try
        {
            await _wake.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // The interval passed, or the silo is stopping (the loop checks).
        }
    }
}
